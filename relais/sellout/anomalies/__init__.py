"""Anomaly checks on every door of the sell-out: unusual quantities, amounts and volumes against the
partner's own history (and comparable partners'), and the same line twice in one file. ``checks`` runs them,
``history`` keeps the summary they read, ``thresholds`` holds what a brand can tune, ``reasons`` words them.
"""
