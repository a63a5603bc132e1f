"""The feature-level fusion network's own Keras layers (training/train_fusion.py), registered
so a saved network loads wherever this module is imported. Knows nothing of where frames come from."""
import keras
from keras import ops


@keras.saving.register_keras_serializable(package="poise")
class MaskedFrames(keras.layers.Layer):
    """Frames whose mask is 0 (missing: no face, silence, or hidden for pre-training) become
    zeros, and the mask is appended as one more feature, so the network tells "missing" apart
    from "all features zero"."""

    def call(self, frames, mask):
        mask = ops.expand_dims(mask, -1)
        return ops.concatenate([frames * mask, mask], axis=-1)


@keras.saving.register_keras_serializable(package="poise")
class MaskedMean(keras.layers.Layer):
    """Mean over the frames present (mask 1) -> (B, D); zeros when none is (a channel missing
    for the whole answer or window)."""

    def call(self, values, mask):
        weights = ops.expand_dims(mask, -1)
        return ops.sum(values * weights, axis=1) / ops.maximum(ops.sum(weights, axis=1), 1.0)
