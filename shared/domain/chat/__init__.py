"""Live chat's pure parts: the frame protocol, conversation tokens, chat capacity, rate windows (docs/chat.md)."""
