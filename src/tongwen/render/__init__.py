"""Rendering readings as text: pinyin with tone marks, tone numbers or none, and zhuyin."""
