"""training.face_batchnorm: each BatchNorm layer's moving statistics become the mean of its batch
statistics over the given faces, with dropout off meanwhile and the layers' settings restored."""
import numpy as np
import pytest

from emotion.face_network import prepare_faces


def small_network():
    import keras
    from keras import layers

    inputs = keras.Input((48, 48, 1))
    x = layers.Dropout(0.5, name="dropout")(inputs)   # before a BatchNorm: must be off while statistics are read
    x = layers.Conv2D(4, 3, name="conv")(x)
    x = layers.BatchNormalization(name="norm")(x)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(7, activation="softmax")(x))


def test_the_moving_statistics_become_those_of_the_faces_read():
    import keras

    from training.face_batchnorm import reestimate_batchnorm

    network = small_network()
    faces = np.random.default_rng(5).integers(0, 256, (96, 48, 48), dtype=np.uint8)
    faces[48:] //= 2   # the second batch darker: the statistics differ from batch to batch
    norm = network.get_layer("norm")
    assert reestimate_batchnorm(network, faces, batch_size=48) == 1

    conv = keras.Model(network.inputs, network.get_layer("conv").output)
    outputs = [keras.ops.convert_to_numpy(conv(prepare_faces(faces[start:start + 48]))) for start in (0, 48)]
    expected_mean = np.mean([o.mean(axis=(0, 1, 2)) for o in outputs], axis=0)
    expected_variance = np.mean([o.var(axis=(0, 1, 2)) for o in outputs], axis=0)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(norm.moving_mean), expected_mean, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(norm.moving_variance), expected_variance, rtol=1e-3, atol=1e-5)
    assert norm.momentum == pytest.approx(0.99) and network.get_layer("dropout").rate == 0.5   # settings restored
