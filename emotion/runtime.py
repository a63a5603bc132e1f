"""TensorFlow set-up shared by every model: imported lazily, configured once per process."""
import os

from emotion import registry


def _configured_tensorflow():
    """Import TensorFlow, configured: ``POISE_FORCE_CPU=1`` hides any GPU; otherwise TF uses a
    GPU when it sees one. ``POISE_TF_THREADS`` caps its CPU threads (default: TF's own)."""
    if os.environ.get("POISE_FORCE_CPU") == "1":
        os.environ["CUDA_VISIBLE_DEVICES"] = "-1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    threads = int(os.environ.get("POISE_TF_THREADS", "0"))
    try:
        if threads:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
        if os.environ.get("POISE_FORCE_CPU") == "1":
            tf.config.set_visible_devices([], "GPU")
    except RuntimeError:  # TF already initialised in this process: keep its settings
        pass
    return tf


_tensorflow = registry.Lazy(_configured_tensorflow)


def tensorflow():
    """TensorFlow, configured once per process (see :func:`_configured_tensorflow`)."""
    return _tensorflow.get()
