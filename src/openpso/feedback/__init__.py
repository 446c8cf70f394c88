"""Feedback products: provider, health-system and PSO reports (HTML and PDF), safety alerts
with member acknowledgement, and the reporter digest."""
