"""Data files of the dashboard API: the data-sharing policy between command centres and the demo tokens."""
