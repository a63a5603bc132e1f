"""The personality models' Keras builders and the Word2Vec helpers: training only.

Serving (:mod:`emotion.personality`) loads what these build from the saved ``.keras`` file and
reads the saved word vectors back with :class:`emotion.personality.WordVectors`, so neither
Keras builders nor gensim are needed to answer a request.
"""
from emotion.base import TRAIT_CODES
from emotion.personality import WordVectors

SEQ_LEN = 300          # tokens per essay for the sequence model (padded or cut)
W2V_DIM = 100          # Word2Vec vector size


def train_word2vec(sentences: list[list[str]], seed: int):
    """100-d CBOW vectors; one worker so the vectors are reproducible."""
    from gensim.models import Word2Vec

    return Word2Vec(sentences, vector_size=W2V_DIM, window=5, min_count=3, epochs=10,
                    workers=1, seed=seed)


def word_vectors_from_gensim(keyed_vectors) -> WordVectors:
    """A trained gensim ``KeyedVectors`` as the word -> vector table serving reads back."""
    return WordVectors(list(keyed_vectors.index_to_key), keyed_vectors.vectors)


def build_linear(n_terms: list[int], n_pooled: int = 0):
    """One Dense(5, sigmoid) head per TF-IDF input, averaged when there are several (an
    ensemble); pooled word vectors, if any, join the first head. Weights are set by the trainer."""
    import keras
    from keras import layers

    tfidf_in = [keras.Input(shape=(n,), name=f"tfidf_{k}") for k, n in enumerate(n_terms)]
    heads = list(tfidf_in)
    inputs = list(tfidf_in)
    if n_pooled:
        inputs.append(keras.Input(shape=(n_pooled,), name="word_vectors"))
        heads[0] = layers.Concatenate()([heads[0], inputs[-1]])
    heads = [layers.Dense(len(TRAIT_CODES), activation="sigmoid", name=f"traits_{k}")(h)
             for k, h in enumerate(heads)]
    outputs = layers.Average(name="traits")(heads) if len(heads) > 1 else heads[0]
    return keras.Model(inputs, outputs, name="linear")


def build_mlp(n_tfidf: int, n_pooled: int, hidden: int = 32, l2: float = 1e-4,
              learning_rate: float = 1e-3):
    """TF-IDF and pooled word vectors into five sigmoid outputs: through a small hidden layer
    per branch, or (``hidden=0``) straight into the outputs, i.e. a logistic regression."""
    import keras
    from keras import layers, regularizers

    tfidf_in = keras.Input(shape=(n_tfidf,), name="tfidf")
    pooled_in = keras.Input(shape=(n_pooled,), name="word_vectors")
    a = layers.Dropout(0.3)(tfidf_in)
    b = pooled_in
    if hidden:
        a = layers.Dense(hidden, activation="relu", kernel_regularizer=regularizers.l2(l2))(a)
        b = layers.Dense(hidden, activation="relu", kernel_regularizer=regularizers.l2(l2))(b)
    x = layers.Dropout(0.5)(layers.Concatenate()([a, b]))
    outputs = layers.Dense(len(TRAIT_CODES), activation="sigmoid", name="traits",
                           kernel_regularizer=regularizers.l2(l2))(x)
    model = keras.Model([tfidf_in, pooled_in], outputs, name="w2v_mlp")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy",
                  metrics=["binary_accuracy"])
    return model
