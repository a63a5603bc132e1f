"""Recognition code for Poise: personality from text, emotion from faces and voices.

Nothing here imports Flask, and nothing heavy (TensorFlow, model weights, word vectors)
is loaded at import time: analyzers are built lazily, once per process, by
:mod:`emotion.registry`.
"""
