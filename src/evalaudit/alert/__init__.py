"""Alerts: who to tell (registry), what to tell them (compose), and the outbox that sends it (deliver)."""
