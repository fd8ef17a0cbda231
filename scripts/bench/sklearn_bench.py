"""Times scikit-learn IsolationForest and LOF (novelty=True) on the rows bench-detect wrote:
fit on the first TRAIN_ROWS rows, score the rest.

Usage: sklearn_bench.py X.f64 labels.u8 ROWS WIDTH TRAIN_ROWS TREES SAMPLE_SIZE NEIGHBORS
Prints one JSON object: per model, fit seconds, score seconds, scored rows/s and ROC-AUC on the scored rows.
"""
import json
import sys
import time

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import LocalOutlierFactor


def timed(model, x, train_rows):
    started = time.perf_counter()
    model.fit(x[:train_rows])
    fit_s = time.perf_counter() - started
    started = time.perf_counter()
    anomaly = -model.score_samples(x[train_rows:])
    score_s = time.perf_counter() - started
    return fit_s, score_s, anomaly


def main():
    x_path, y_path, rows, width, train_rows, trees, sample_size, neighbors = sys.argv[1:9]
    rows, width, train_rows = int(rows), int(width), int(train_rows)
    x = np.fromfile(x_path, dtype="<f8").reshape(rows, width)
    y = np.fromfile(y_path, dtype=np.uint8)
    models = {
        "isolation-forest": IsolationForest(
            n_estimators=int(trees), max_samples=min(int(sample_size), train_rows), random_state=42, n_jobs=1
        ),
        "lof": LocalOutlierFactor(n_neighbors=int(neighbors), novelty=True, n_jobs=1),
    }
    out = {}
    for name, model in models.items():
        fit_s, score_s, anomaly = timed(model, x, train_rows)
        out[name] = {
            "fit_s": fit_s,
            "score_s": score_s,
            "rows_per_s": (rows - train_rows) / score_s,
            "auc": float(roc_auc_score(y[train_rows:], anomaly)),
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
