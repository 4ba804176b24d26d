"""Products as the marketplace has them: read them into offerops.yaml, check offers against them.

``offerops products import`` (:mod:`.update`) writes the seller's products, their dimensions and
the resale authorizations shared with it into offerops.yaml, so the file lint believes is the
marketplace's own. ``offerops plan`` (:mod:`.check`) warns when an offer it would send prices a
dimension the marketplace lacks or types differently, before apply fails on it. Both read the
backend through :mod:`.remote`, with the reconciler's client and retry policy, the same code on
the emulators and on AWS.
"""
