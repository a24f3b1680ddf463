"""The reverse path: detect pollution, undo GBK garbles, strip pasted readings, convert back."""
