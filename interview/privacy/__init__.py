"""The candidate in control: consent before recording, their own switch for emotion readings,
how long recordings are kept, and a copy of everything."""
