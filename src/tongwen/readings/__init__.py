"""Readings of Chinese text: Mandarin syllables (pinyin values) and how they are looked up."""
