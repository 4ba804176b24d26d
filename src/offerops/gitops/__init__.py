"""The pull-request workflow: what changed in git, history rules, the PR comment, scaffolding.

gitpython is imported inside functions only, so ``offerops lint`` without ``--changed-since``
never pays for it.
"""
