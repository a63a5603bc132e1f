"""Audio-visual fusion, the design's shape: frame-level face and voice features, each channel's
encoder pre-trained without labels by masking frames and predicting them, then fine-tuned with
mean pooling and a dense layer into answer-level features, fused by a dense network into the 7
emotions. Compared side by side with each channel alone and with late fusion of the two
calibrated models, on validation pairs (PublicTest faces, actors 15-20); see training/fusion_data.py.

    .venv/bin/python -m training.train_fusion [--tune-faces training|publictest] [--pretrain-epochs 6]
        [--epochs 30] [--dropout 0.3] [--freeze] [--voice-frames contours|whisper] [--ship]

Writes models/fusion/runs/NAME.json (with --ship: models/fusion/metrics.json and the served late
fusion's fusion.json instead); caches under /tmp/poise_fusion.
"""
import argparse
import json
import logging
import time
from pathlib import Path

import numpy as np

from emotion.face import FACE_CLASSES
from training import fusion_data as data

log = logging.getLogger("train_fusion")

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "fusion"
WIDTH = 96            # frame encoding size of each channel
MASK_SHARE = 0.3      # frames hidden in pre-training
SEED = 0


def keras_module():
    from emotion.runtime import tensorflow

    tensorflow()
    import keras

    keras.utils.set_random_seed(SEED)
    return keras


def encoder(keras, width: int, name: str, mean: np.ndarray, std: np.ndarray):
    """(frames (B, T, width), mask (B, T)) -> (B, T, WIDTH): standardised frames, missing ones
    zeroed and flagged, a dense projection and two residual temporal convolutions."""
    from emotion.fusion_layers import MaskedFrames

    layers = keras.layers
    frames, mask = keras.Input((None, width), name=f"{name}_frames"), keras.Input((None,), name=f"{name}_mask")
    scaled = layers.Normalization(mean=mean, variance=np.square(std), name=f"{name}_scale")(frames)
    x = layers.Dense(WIDTH, activation="relu", name=f"{name}_in")(MaskedFrames(name=f"{name}_masked")(scaled, mask))
    for block in range(2):
        step = layers.Conv1D(WIDTH, 3, padding="same", activation="relu", name=f"{name}_conv{block}")(
            layers.LayerNormalization(name=f"{name}_norm{block}")(x))
        x = layers.Add(name=f"{name}_res{block}")([x, step])
    return keras.Model([frames, mask], x, name=f"{name}_encoder")


def pretrain(keras, channel_encoder, width: int, sequences: np.ndarray, present: np.ndarray, epochs: int) -> list:
    """Masked-frame pre-training: hide MASK_SHARE of the present frames, predict their
    (standardised) features from the rest; mean squared error on the hidden frames only."""
    rng = np.random.default_rng(SEED)
    scale = channel_encoder.get_layer(channel_encoder.name.split("_")[0] + "_scale")
    frames, visible = keras.Input((None, width)), keras.Input((None,))
    predicted = keras.layers.Dense(width)(channel_encoder([frames, visible]))
    model = keras.Model([frames, visible], predicted)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    target = np.asarray(scale(sequences))
    losses = []
    for epoch in range(epochs):
        hidden = (rng.random(present.shape) < MASK_SHARE) & (present > 0)
        history = model.fit([sequences, present * ~hidden], target, sample_weight=hidden.astype(np.float32),
                            batch_size=64, epochs=1, verbose=0)
        losses.append(round(float(history.history["loss"][0]), 4))
        log.info("pre-train %s epoch %d: masked-frame loss %.4f", channel_encoder.name, epoch + 1, losses[-1])
    return losses


def fusion_network(keras, face_encoder, voice_encoder, dropout: float = 0.3):
    """Both encoders, masked mean pooling and a dense layer each (the answer-level features),
    concatenated into a dense softmax over the 7 emotions (FER2013 order)."""
    from emotion.fusion_layers import MaskedMean

    layers = keras.layers
    inputs = {name: keras.Input(shape, name=name) for name, shape in
              (("face", (None, face_encoder.input_shape[0][-1])), ("face_mask", (None,)),
               ("voice", (None, voice_encoder.input_shape[0][-1])), ("voice_mask", (None,)))}
    answer = []
    for name, channel in (("face", face_encoder), ("voice", voice_encoder)):
        pooled = MaskedMean(name=f"{name}_pool")(channel([inputs[name], inputs[f"{name}_mask"]]), inputs[f"{name}_mask"])
        answer.append(layers.Dense(64, activation="relu", name=f"{name}_answer")(pooled))
    fused = layers.Dropout(dropout)(layers.Concatenate(name="answer_features")(answer))
    output = layers.Dense(len(FACE_CLASSES), activation="softmax", name="emotion")(fused)
    return keras.Model(inputs, output, name="fusion")


def network_inputs(arrays: dict, drop: str | None = None) -> dict:
    """The batch as the network's inputs; ``drop`` ("face" or "voice") hides that channel whole."""
    inputs = {key: arrays[key] for key in ("face", "face_mask", "voice", "voice_mask")}
    if drop:
        inputs[f"{drop}_mask"] = np.zeros_like(inputs[f"{drop}_mask"])
    return inputs


def fine_tune(keras, network, faces, voices, train_clips, epochs: int) -> list:
    network.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = []
    for epoch in range(epochs):
        arrays = data.batch_arrays(data.make_pairs(faces, voices, train_clips, 2, seed=1000 + epoch))
        fit = network.fit(network_inputs(arrays), arrays["label"], batch_size=32, epochs=1, verbose=0, shuffle=True)
        history.append({"loss": round(float(fit.history["loss"][0]), 4), "accuracy": round(float(fit.history["accuracy"][0]), 4)})
        log.info("fine-tune epoch %d: %s", epoch + 1, history[-1])
    return history


# --- baselines and scores -------------------------------------------------------------------

def voice_baseline(voices: dict, train_clips: np.ndarray) -> np.ndarray:
    """(clips, 7) probabilities, FER2013 order, of the shipped speech model's recipe
    (models/speech/metrics.json names it and holds its config) refit on the training actors only:
    every validation actor is unseen, as in fusion. Clips are read through the recipe's own
    features (for the Whisper encoder: each clip within a recording of its actor's clips, as
    an answer's windows are)."""
    from training import speech_data
    from training.train_speech import linear_fit, linear_inputs, shipped_recipe

    folder = speech_data.speech_dir()
    table = speech_data.load_labels(folder)
    config, features = shipped_recipe(folder, table)
    model = linear_fit(features, table["label"].to_numpy(), train_clips, config, table["actor"].to_numpy())
    voice_order = model.predict_proba(linear_inputs(features, config["features"], np.arange(len(table))))
    probabilities = np.zeros_like(voice_order)
    probabilities[:, data.VOICE_TO_FACE] = voice_order
    return probabilities


def face_only(pairs: list[dict], faces: dict) -> np.ndarray:
    """The served face model's mean probabilities over the frames the face was seen in."""
    return np.stack([faces["probabilities"][pair["face_index"], pair["views"][pair["seen"]]].mean(axis=0)
                     for pair in pairs])


def late_fusion(face: np.ndarray, voice: np.ndarray, weight: float) -> np.ndarray:
    """Weighted product of the two calibrated channels' probabilities, renormalised."""
    scores = weight * np.log(np.clip(face, 1e-7, 1)) + (1 - weight) * np.log(np.clip(voice, 1e-7, 1))
    scores = np.exp(scores - scores.max(axis=1, keepdims=True))
    return scores / scores.sum(axis=1, keepdims=True)


def late_fusion_cross_validated(face: np.ndarray, voice: np.ndarray, labels: np.ndarray, actors: np.ndarray) -> dict:
    """The face's weight chosen on half the validation actors and scored on the other half, both ways."""
    weights = np.round(np.linspace(0, 1, 21), 2)
    halves = [np.isin(actors, (15, 16, 17)), np.isin(actors, (18, 19, 20))]
    predicted, chosen = np.zeros(len(labels), int), []
    for tune, score in (halves, halves[::-1]):
        accuracy = [(late_fusion(face[tune], voice[tune], w).argmax(axis=1) == labels[tune]).mean() for w in weights]
        best = float(weights[int(np.argmax(accuracy))])
        chosen.append(best)
        predicted[score] = late_fusion(face[score], voice[score], best).argmax(axis=1)
    on_all = [(late_fusion(face, voice, w).argmax(axis=1) == labels).mean() for w in weights]
    return {"predicted": predicted, "face_weights": chosen, "face_weight_all_pairs": float(weights[int(np.argmax(on_all))])}


def scored(predicted: np.ndarray, labels: np.ndarray, actors: np.ndarray) -> dict:
    from training.class_scores import classification_scores

    matrix = np.zeros((len(FACE_CLASSES), len(FACE_CLASSES)), int)
    np.add.at(matrix, (labels, predicted), 1)
    result = {"n": int(len(labels)), **classification_scores(labels, predicted, FACE_CLASSES),
              "confusion": matrix.tolist()}
    for gender, odd in (("male", 1), ("female", 0)):
        rows = actors % 2 == odd
        result[f"accuracy_{gender}"] = round(float((predicted[rows] == labels[rows]).mean()), 4)
    return result


# --- the run --------------------------------------------------------------------------------

def unlabelled_voice(voices: dict, train_clips: np.ndarray,
                     whisper: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Voice sequences for pre-training: the training actors' clips (labels unused) and the
    real English speech of datasets/asr/ cut into 4 s pieces (``whisper``: its frames as the
    Whisper encoder hears each recording whole)."""
    from emotion.audio import load_audio
    from emotion.fusion_features import voice_frames, whisper_voice_frames
    from emotion.voice_embedding import encoded_frames
    from tests.conftest import DATASETS

    pieces = [data.clip_frames(voices, clip) for clip in train_clips]
    for wav in sorted((DATASETS / "asr" / "clips").glob("*.wav")):
        samples = load_audio(wav)
        frames, voiced = voice_frames(samples)
        if whisper:
            frames = whisper_voice_frames(encoded_frames(samples), len(frames))
        pieces += [(frames[i:i + 40], voiced[i:i + 40]) for i in range(0, len(frames) - 20, 40)]
    arrays = data.padded([{"v": f, "m": m} for f, m in pieces], "v", "m", voices["frames"].shape[1])
    log.info("pre-training voice sequences: %d", len(pieces))
    return arrays


def unlabelled_faces(faces: dict, n: int = 6000, length: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Face sequences for pre-training: random Training faces, a random view per frame, with gaps."""
    rng = np.random.default_rng(SEED)
    sequences = [data.face_sequence(faces, face, length, rng) for face in rng.choice(len(faces["labels"]), n, replace=False)]
    return np.stack([s[0] for s in sequences]), np.stack([s[1] for s in sequences]).astype(np.float32)


def channel_statistics(frames: np.ndarray, present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows = frames[present > 0].astype(np.float64)
    return rows.mean(axis=0), np.maximum(rows.std(axis=0), 1e-3)


def build_and_train(keras, faces, tune_faces, voices, train_clips, args) -> tuple:
    """Pre-train both encoders on unlabelled sequences (Training faces, training actors' voices
    and datasets/asr speech), then fine-tune the fusion network on pairs of ``tune_faces``."""
    pretrain_epochs = args.pretrain_epochs
    face_seq, face_present = unlabelled_faces(faces)
    voice_seq, voice_present = unlabelled_voice(voices, train_clips, args.voice_frames == "whisper")
    voice_width = voice_seq.shape[-1]
    face_encoder = encoder(keras, face_seq.shape[-1], "face", *channel_statistics(face_seq, face_present))
    voice_encoder = encoder(keras, voice_width, "voice", *channel_statistics(voice_seq, voice_present))
    pretraining = {}
    if pretrain_epochs:
        pretraining = {"face": pretrain(keras, face_encoder, face_seq.shape[-1], face_seq, face_present, pretrain_epochs),
                       "voice": pretrain(keras, voice_encoder, voice_width, voice_seq, voice_present, pretrain_epochs)}
    face_encoder.trainable = voice_encoder.trainable = not args.freeze
    network = fusion_network(keras, face_encoder, voice_encoder, args.dropout)
    history = fine_tune(keras, network, tune_faces, voices, train_clips, args.epochs)
    return network, {"pretraining_loss": pretraining, "fine_tuning": history}


def evaluate_all(network, pairs, faces, voice_probabilities) -> dict:
    arrays = data.batch_arrays(pairs)
    labels, actors = arrays["label"], np.array([pair["actor"] for pair in pairs])
    face = face_only(pairs, faces)
    voice = voice_probabilities[[pair["clip"] for pair in pairs]]
    late = late_fusion_cross_validated(face, voice, labels, actors)
    readings = {"face_only": face.argmax(axis=1), "voice_only": voice.argmax(axis=1), "late_fusion": late["predicted"]}
    if network is not None:
        for name, drop in (("fusion", None), ("fusion_face_hidden", "face"), ("fusion_voice_hidden", "voice")):
            readings[name] = network.predict(network_inputs(arrays, drop), batch_size=256, verbose=0).argmax(axis=1)
    result = {name: scored(predicted, labels, actors) for name, predicted in readings.items()}
    result["late_fusion"]["face_weights"] = late["face_weights"]
    result["late_fusion"]["face_weight_all_pairs"] = late["face_weight_all_pairs"]
    return result


def ship(results: dict) -> None:
    """The served reading measured best: late fusion (see emotion/fusion.py). Its face weight is
    the one that reads all validation pairs best; the accuracy it reports is the honest one,
    each half of the actors scored with the weight chosen on the other half."""
    late = results["late_fusion"]
    served = {"method": "late fusion: weighted geometric mean of the face and voice probabilities",
              "face_weight": late["face_weight_all_pairs"],
              "accuracy": {"fused": late["accuracy"], "face_only": results["face_only"]["accuracy"],
                           "voice_only": results["voice_only"]["accuracy"]},
              "accuracy_by_gender": {"male": late["accuracy_male"], "female": late["accuracy_female"]},
              "validation": "synthetic pairs (independent face and voice): an upper bound for real answers",
              "card": "models/fusion/MODEL_CARD.md"}
    (MODEL_DIR / "fusion.json").write_text(json.dumps(served, indent=1) + "\n")


def run_name(args) -> str:
    """e.g. publictest_p6_e8_d0.5, with _frozen and _whisper where they apply."""
    suffixes = "_frozen" * args.freeze + "_whisper" * (args.voice_frames == "whisper")
    return f"{args.tune_faces}_p{args.pretrain_epochs}_e{args.epochs}_d{args.dropout}{suffixes}"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pretrain-epochs", type=int, default=6)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--tune-faces", choices=("training", "publictest"), default="training",
                        help="faces of the labelled training pairs: FER2013 Training (in-sample for the face "
                             "network), or the other half of PublicTest (out-of-sample, as answers are)")
    parser.add_argument("--dropout", type=float, default=0.3)
    parser.add_argument("--freeze", action="store_true", help="keep the pre-trained encoders fixed; train the heads only")
    parser.add_argument("--voice-frames", choices=("contours", "whisper"), default="contours",
                        help="each 100 ms of voice as acoustic contours (106), or as the Whisper encoder hears it (384)")
    parser.add_argument("--ship", action="store_true",
                        help="write models/fusion/metrics.json and the served late fusion's fusion.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    started = time.time()
    faces, voices = data.face_features("Training"), data.voice_sequences()
    if args.voice_frames == "whisper":
        voices = data.whisper_voices(voices)
    public = data.face_features("PublicTest")
    public["probabilities"] = data.ensemble_probabilities("PublicTest")  # the face channel as videos read it
    tune_half, validation_half = np.array_split(np.random.default_rng(SEED).permutation(len(public["labels"])), 2)
    validation_faces = {key: values[validation_half] for key, values in public.items()}
    tune_faces = faces if args.tune_faces == "training" else {key: values[tune_half] for key, values in public.items()}
    train_clips = np.flatnonzero(np.isin(voices["actors"], data.TRAIN_ACTORS))
    validation_clips = np.flatnonzero(np.isin(voices["actors"], data.VALIDATION_ACTORS))
    pairs = data.make_pairs(validation_faces, voices, validation_clips, 3, seed=7)
    voice_probabilities = voice_baseline(voices, train_clips)
    keras = keras_module()
    network, training = build_and_train(keras, faces, tune_faces, voices, train_clips, args)
    metrics = {"validation": "pairs of half the FER2013 PublicTest faces (seeded) and RAVDESS actors 15-20, 3 faces per clip",
               "training": f"pairs of {'FER2013 Training faces' if args.tune_faces == 'training' else 'the other half of PublicTest'}"
                           " and RAVDESS actors 01-14, 2 faces per clip, new each epoch; pre-training on Training faces",
               "settings": vars(args), **training, "results": evaluate_all(network, pairs, validation_faces, voice_probabilities),
               "minutes": round((time.time() - started) / 60, 1)}
    MODEL_DIR.mkdir(parents=True, exist_ok=True)
    name = "metrics.json" if args.ship else f"runs/{run_name(args)}.json"
    (MODEL_DIR / "runs").mkdir(exist_ok=True)
    (MODEL_DIR / name).write_text(json.dumps(metrics, indent=1) + "\n")
    if args.ship:
        ship(metrics["results"])
    print(json.dumps({k: {m: v[m] for m in ("accuracy", "macro_f1", "accuracy_male", "accuracy_female")}
                      for k, v in metrics["results"].items()}, indent=1))


if __name__ == "__main__":
    main()
