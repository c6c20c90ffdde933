"""Foundations shared by every layer: text positions, spans and file access."""
