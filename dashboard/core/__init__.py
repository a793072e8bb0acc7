"""The vocabulary every layer shares, with no I/O: the data contract (schema), the
configuration (weights, targets, minimum n, public brands), filters, number formatting,
and the product's words and constants (vocabulary: components, labels, symbols, follower
buckets, the default target)."""
