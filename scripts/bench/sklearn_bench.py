"""Times scikit-learn on the rows bench-detect wrote: fit on the first TRAIN_ROWS rows, score the rest.
IsolationForest and LOF (novelty=True) as they are; OneClassSVM, GaussianMixture (BIC over 1..K, as
Vigil picks the count), DBSCAN (novelty = distance to the nearest core sample) and PCA behind a
StandardScaler fitted on the training rows (Vigil standardizes with training statistics too; its time counts).

Usage: sklearn_bench.py X.f64 labels.u8 ROWS WIDTH TRAIN_ROWS TREES SAMPLE_SIZE NEIGHBORS [MODELS_JSON]
MODELS_JSON: {"kinds": [...], "one-class-svm": {...}, "gaussian-mixture": {...}, "dbscan": {...}, "pca": {...}}
with the Vigil kinds to run and their parameters.
Prints one JSON object: per model, fit seconds, score seconds, scored rows/s and ROC-AUC on the scored rows.
Each model is timed on the same rows as Vigil is: `cpu_s` is the first fit + score after the imports
(scikit-learn's and numpy's first-call setup included, as Vigil's first run includes its JIT), `warm_cpu_s` the
least CPU of the same work again on a fresh model of the same parameters, MODELS_JSON's "repeats" times
(default 1), as Vigil's warm figure is. Models with a random start (GaussianMixture) are also
timed warm once per seed of their "seeds" parameter (`seeded`: random_state = seed), since their EM passes
depend on the start.
"""
import copy
import json
import sys
import time

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.cluster import DBSCAN
from sklearn.decomposition import PCA
from sklearn.metrics import roc_auc_score
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import LocalOutlierFactor, NearestNeighbors
from sklearn.preprocessing import StandardScaler
from sklearn.svm import OneClassSVM


def timed(model, x, train_rows):
    """Wall and CPU seconds (the bench machine is shared: CPU time is the steadier comparison)."""
    started, cpu = time.perf_counter(), time.process_time()
    model.fit(x[:train_rows])
    fit_s, fit_cpu_s = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    anomaly = -model.score_samples(x[train_rows:])
    score_s, score_cpu_s = time.perf_counter() - started, time.process_time() - cpu
    return fit_s, score_s, fit_cpu_s + score_cpu_s, anomaly


class Scaled:
    """A StandardScaler fitted on the training rows in front of a novelty model given as fit/score callables."""

    def __init__(self, fit, score):
        self.fit_model, self.score_model = fit, score

    def fit(self, x):
        self.scaler = StandardScaler().fit(x)
        self.state = self.fit_model(self.scaler.transform(x))
        return self

    def score_samples(self, x):
        # Higher = more normal, as scikit-learn's score_samples.
        return -self.score_model(self.state, self.scaler.transform(x))


def one_class_svm(p):
    gamma = p.get("gamma") or "scale"
    return Scaled(lambda x: OneClassSVM(kernel="rbf", nu=p["nu"], gamma=gamma).fit(x), lambda m, x: -m.score_samples(x))


def gaussian_mixture(p, seed=42):
    """`passes` collects the EM iterations of every component count of the last fit (n_iter_ per k)."""
    passes = []

    def fit(x):
        fits = [
            GaussianMixture(k, covariance_type=p["covariance"], max_iter=p["maxIterations"], random_state=seed).fit(x)
            for k in range(1, p["maxComponents"] + 1)
        ]
        passes[:] = [m.n_iter_ for m in fits]
        best = min(fits, key=lambda m: m.bic(x))
        passes.append(best.n_components)
        return best

    model = Scaled(fit, lambda m, x: -m.score_samples(x))
    model.passes = passes
    return model


def dbscan(p):
    def fit(x):
        db = DBSCAN(eps=p["eps"], min_samples=p["minPts"]).fit(x)
        core = x[db.core_sample_indices_] if len(db.core_sample_indices_) else x
        return NearestNeighbors(n_neighbors=1).fit(core)

    return Scaled(fit, lambda nn, x: nn.kneighbors(x)[0][:, 0])


def pca(p):
    def score(m, x):
        return np.linalg.norm(x - m.inverse_transform(m.transform(x)), axis=1)

    return Scaled(lambda x: PCA(n_components=p["varianceKept"], svd_solver="full").fit(x), score)


def seeded_runs(make, p, x, y, train_rows):
    """Warm fit + score once per seed in p["seeds"] (after the model's first and warm runs): CPU s, ROC-AUC,
    EM passes per component count and the count kept (the last entry of `passes`)."""
    runs = []
    for seed in p.get("seeds", []):
        model = make(p, seed)
        cpu_s, anomaly = timed(model, x, train_rows)[2:]
        runs.append({"seed": seed, "cpu_s": cpu_s, "auc": float(roc_auc_score(y[train_rows:], anomaly)), "passes": list(model.passes)})
    return runs


SEEDED = {"gaussian-mixture": gaussian_mixture}

NEW_MODELS = {"one-class-svm": one_class_svm, "gaussian-mixture": gaussian_mixture, "dbscan": dbscan, "pca": pca}


def main():
    x_path, y_path, rows, width, train_rows, trees, sample_size, neighbors = sys.argv[1:9]
    wanted = json.loads(sys.argv[9]) if len(sys.argv) > 9 else {"kinds": ["isolation-forest", "lof"]}
    rows, width, train_rows = int(rows), int(width), int(train_rows)
    x = np.fromfile(x_path, dtype="<f8").reshape(rows, width)
    y = np.fromfile(y_path, dtype=np.uint8)
    models = {
        "isolation-forest": IsolationForest(
            n_estimators=int(trees), max_samples=min(int(sample_size), train_rows), random_state=42, n_jobs=1
        ),
        "lof": LocalOutlierFactor(n_neighbors=int(neighbors), novelty=True, n_jobs=1),
    }
    for kind, make in NEW_MODELS.items():
        if kind in wanted["kinds"]:
            models[kind] = make(wanted[kind])
    out = {}
    for name, model in models.items():
        if name not in wanted["kinds"]:
            continue
        fresh = copy.deepcopy(model)
        fit_s, score_s, cpu_s, anomaly = timed(model, x, train_rows)
        warm_cpu_s = min(timed(copy.deepcopy(fresh), x, train_rows)[2] for _ in range(int(wanted.get("repeats", 1))))
        out[name] = {
            "fit_s": fit_s,
            "score_s": score_s,
            "cpu_s": cpu_s,
            "warm_cpu_s": warm_cpu_s,
            "rows_per_s": (rows - train_rows) / score_s,
            "auc": float(roc_auc_score(y[train_rows:], anomaly)),
        }
        if name in SEEDED:
            out[name]["seeded"] = seeded_runs(SEEDED[name], wanted[name], x, y, train_rows)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
