"""Compares Vigil's isolation forest and LOF with scikit-learn on the data benchmark.ts --dump wrote.

Usage: python3 compare-sklearn.py DIR   (needs numpy, scipy and scikit-learn)
Prints fit/score time, ROC-AUC of both, the Spearman rank correlation between the two scores, and
median scores (the isolation forest's `score` is the same s = 2^(-E[h]/c(psi)) as sklearn's -score_samples;
for LOF compare against `raw`, which benchmark.ts dumps as lof-raw.csv).
"""
import sys
import time

import numpy as np
from scipy.stats import spearmanr
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import LocalOutlierFactor

d = sys.argv[1]
train = np.loadtxt(f"{d}/train.csv", delimiter=",")
test = np.loadtxt(f"{d}/test.csv", delimiter=",")
labels = np.loadtxt(f"{d}/labels.csv")
# Vigil standardizes with training statistics; do the same so the geometry matches.
mu, sd = train.mean(axis=0), train.std(axis=0)
train, test = (train - mu) / sd, (test - mu) / sd

models = {
    "isolation-forest": IsolationForest(n_estimators=100, max_samples=256, random_state=0),
    "lof": LocalOutlierFactor(n_neighbors=20, novelty=True),
}
for kind, model in models.items():
    try:
        # LOF's [0, 1] score floors at LOF <= 1; its raw value is the LOF itself.
        ours = np.loadtxt(f"{d}/{kind}-raw.csv" if kind == "lof" else f"{d}/{kind}.csv")
    except OSError:
        continue
    t0 = time.perf_counter()
    model.fit(train)
    t1 = time.perf_counter()
    theirs = -model.score_samples(test)
    t2 = time.perf_counter()
    rho = spearmanr(ours, theirs).correlation
    print(
        f"{kind:17s} sklearn fit {t1 - t0:.2f}s score {len(test) / (t2 - t1):,.0f} pts/s | "
        f"AUC sklearn {roc_auc_score(labels, theirs):.4f} vigil {roc_auc_score(labels, ours):.4f} | "
        f"Spearman {rho:.4f} | median score sklearn {np.median(theirs):.4f} vigil {np.median(ours):.4f}"
    )
