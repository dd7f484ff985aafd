"""Fusion: every signal about the same real-world event ends in one incident (`streams.fusion.fuse`)."""
