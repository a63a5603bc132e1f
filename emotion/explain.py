"""Grad-CAM (Selvaraju et al. 2017): which parts of a face drove the network's reading."""
import numpy as np


# The face model narrows 48 -> 24 -> 12 -> 6 -> 3. Its last 3x3 map splits a face into nine
# cells, too coarse to tell the mouth from the eyes; the last 6x6 map still does (on the fixture
# faces it lights the smile for "happy" and the eyes for "neutral"), while 12x12 maps scatter.
MIN_GRID_SIDE = 6


def grad_cam_layer(model, min_side: int = MIN_GRID_SIDE):
    """The last layer whose output is a spatial map at least ``min_side`` cells a side.

    Chosen by shape, not by name: Keras numbers its layers (``activation_9``) by build order,
    so a name would silently point elsewhere after a retrain with another width or depth.
    """
    import keras

    skipped = (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D, keras.layers.Dropout)
    for layer in reversed(model.layers):
        shape = layer.output.shape
        if not isinstance(layer, skipped) and len(shape) == 4 and min(shape[1], shape[2]) >= min_side:
            return layer
    raise ValueError(f"the model has no spatial map of at least {min_side}x{min_side}")


def grad_cam(model, face: np.ndarray, class_index: int | None = None) -> np.ndarray:
    """Heat map in [0, 1] at the face's size for ``class_index`` (default: the top class)."""
    import cv2
    import keras

    from emotion.runtime import tensorflow

    tf = tensorflow()
    layer = grad_cam_layer(model)
    probe = keras.Model(model.inputs, [layer.output, model.output])
    batch = tf.convert_to_tensor(face.reshape((1,) + face.shape[-3:]), tf.float32)
    with tf.GradientTape() as tape:
        activations, probabilities = probe(batch, training=False)
        index = int(tf.argmax(probabilities[0])) if class_index is None else class_index
        target = probabilities[:, index]
    gradients = tape.gradient(target, activations)
    weights = tf.reduce_mean(gradients, axis=(1, 2))                 # one weight per channel
    cam = tf.nn.relu(tf.reduce_sum(activations * weights[:, None, None, :], axis=-1))[0].numpy()
    if cam.max() > 0:
        cam = cam / cam.max()
    return cv2.resize(cam.astype(np.float32), face.shape[-3:-1][::-1], interpolation=cv2.INTER_CUBIC).clip(0, 1)


def heatmap_overlay_png(face: np.ndarray, heat: np.ndarray, size: int = 192) -> bytes:
    """The face in grey with the heat map over it (JET colours), as PNG bytes."""
    import cv2

    gray = cv2.resize(face.astype(np.uint8), (size, size), interpolation=cv2.INTER_CUBIC)
    colours = cv2.applyColorMap((cv2.resize(heat, (size, size)) * 255).astype(np.uint8), cv2.COLORMAP_JET)
    blended = cv2.addWeighted(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), 0.6, colours, 0.4, 0)
    ok, png = cv2.imencode(".png", blended)
    return png.tobytes()
