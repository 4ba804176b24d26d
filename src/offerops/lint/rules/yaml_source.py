"""OFR0xx: the file itself: encoding, YAML syntax, tags, size. Reported by the loader."""

from __future__ import annotations

from offerops.lint.finding import Severity
from offerops.lint.rule import declare

declare(
    "OFR001",
    "yaml-syntax",
    Severity.ERROR,
    "source",
    """
    The file is not valid YAML.

    Nothing else in the file can be checked until it parses. The finding points at the place
    where the parser gave up, which is often just after the real mistake (an unclosed bracket or
    quote, a tab used for indentation, a key without a colon). The common mistakes are named in
    words: a tab in the indentation, a key or list item indented unlike the lines around it
    (named, with the line it should line up with), a ``: `` inside an unquoted value.

    Fails:

        spec:
          buyers: ["123456789012"

    Passes:

        spec:
          buyers: ["123456789012"]
    """,
)

declare(
    "OFR002",
    "duplicate-key",
    Severity.ERROR,
    "source",
    """
    A mapping has the same key twice.

    YAML parsers disagree on which value wins, so the offer would mean different things to
    different tools. The finding points at the second key; the first one is kept.

    Fails:

        spec:
          expiresOn: 2027-03-31
          expiresOn: 2027-06-30

    Passes:

        spec:
          expiresOn: 2027-06-30
    """,
)

declare(
    "OFR003",
    "unsafe-tag",
    Severity.ERROR,
    "source",
    """
    A YAML tag (``!!python/object``, ``!custom``, ``!!binary``...) is used.

    Offer files hold plain data. Tags can make some YAML loaders construct objects or run code,
    so offerops never constructs them: the tagged node is read as plain text and reported.

    Fails:

        spec:
          name: !!python/object/apply:os.system ["echo hi"]

    Passes:

        spec:
          name: Acme Corp - Analytics 2027
    """,
)

declare(
    "OFR004",
    "empty-file",
    Severity.ERROR,
    "source",
    """
    The file has no YAML document (it is empty or only comments).

    An empty file in ``offers/`` is almost always a mistake in a commit. Write the offer, or
    delete the file.

    Fails:

        # TODO

    Passes:

        apiVersion: offerops/v1
        kind: PrivateOffer
    """,
)

declare(
    "OFR005",
    "file-encoding",
    Severity.ERROR,
    "source",
    """
    The file cannot be read as UTF-8 text with LF line endings.

    Invalid UTF-8 bytes, UTF-16, a NUL byte, an unreadable file, or a line break other than LF
    or CRLF (a lone CR, NEL, U+2028, U+2029). Offer names and descriptions reach buyers as
    Unicode; a file saved as Latin-1 or UTF-16 would turn them into garbage. YAML counts the odd
    line breaks as new lines and Git and GitHub do not, so findings after one would point at the
    wrong line. The finding points at the first bad byte or break. Save the file as UTF-8 with
    LF line endings.

    Fails: a file saved in Latin-1 with ``name: Caf\\xe9``.

    Passes: the same file saved as UTF-8.
    """,
)

declare(
    "OFR006",
    "document-too-complex",
    Severity.ERROR,
    "source",
    """
    The document is too large, too deeply nested, or expands aliases beyond a safe size.

    An offer is a few kilobytes. A file over 1 MiB (not read past the limit), nesting deeper
    than 64 levels in any form (``[`` or ``{``, block sequences ``- - -``, indented mappings,
    explicit keys), an alias cycle, or aliases that expand to more than 100,000 nodes (a
    "billion laughs" document) is refused before it can exhaust memory or crash the YAML parser
    in CI. The finding points at the first node past the limit.

    Fails:

        a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
        # ... and so on

    Passes: an offer written out plainly, with anchors used only for small repeated values.
    """,
)

declare(
    "OFR007",
    "multiple-documents",
    Severity.ERROR,
    "source",
    """
    The file holds more than one YAML document (separated by ``---``).

    The format is one offer per file, named after its key, so that a diff of a file is a diff of
    one offer. Split the documents into separate files.

    Fails:

        key: acme-2027
        ---
        key: globex-2027

    Passes: ``offers/acme-2027.yaml`` and ``offers/globex-2027.yaml``, one document each.
    """,
)

declare(
    "OFR008",
    "not-a-regular-file",
    Severity.ERROR,
    "source",
    """
    An offer file, ``offers/`` or offerops.yaml is not a regular file inside the repository.

    A pull request (also one from a fork) decides what is in the repository. A FIFO would make
    lint wait forever, a link to a device such as ``/dev/zero`` would be read until memory runs
    out, and a symbolic link that leads outside the repository would make CI read, and quote in
    its findings, a file of the runner that is not in the pull request. So only regular files
    are read, and symbolic links only while they stay inside the repository (the same rule as
    for legal documents, OFR604). Nothing else is opened: the finding names what the path is
    (a directory, a FIFO, a character device, a socket, a link out of the repository).

    Fails: ``offers/acme-2027.yaml`` as a symbolic link to ``/etc/passwd``, ``/dev/zero`` or
    ``../../other-repo/offer.yaml``, or created with ``mkfifo``.

    Passes: ``offers/acme-2027.yaml`` as a regular file, or a relative symbolic link to
    ``../archive/acme-2027.yaml`` inside the same repository.
    """,
)
