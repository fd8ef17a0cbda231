/**
 * The frame of a trained vector detector (DBSCAN, one-class SVM, Gaussian mixture): standardized
 * features (`featurizer.ts`), the seeded RNG carried in the state, scratch vectors, and for models
 * with no forecast of their own the robust running level as univariate band (`level-band.ts`).
 * `train` fits the features, hands the standardized set to the model's `fit` with the detector's
 * RNG, and primes the band; `update` applies the input policy and hands the admitted vector (in
 * `buf`) to the model's `score`. State: `{ rng, features, model, band? }`, resumed exactly.
 */
import { createRng, type Rng } from "@/lib/detection/random";
import type { Detector, Observation, Scored } from "@/lib/detection/types";
import { attributeDeviations, LazyAttributed, snapshotOf } from "./distance-attribution";
import { Featurizer, type FeatureState, type ShingleMode, type TrainingSet } from "./featurizer";
import { skipped } from "./input-policy";
import { bandFromSeries, emptyBand, updateBand, type Band, type BandState } from "./level-band";

export interface TrainedState<M> {
  rng: number;
  features: FeatureState;
  model: M | null;
  /** Only for detectors created with a band. */
  band?: BandState;
}

export abstract class TrainedDetector<M, S extends TrainedState<M>> implements Detector<S> {
  abstract readonly kind: string;
  protected f: Featurizer;
  protected model: M | null;
  /** Null when the model gives univariate bands itself. */
  private band: BandState | null;
  private rngState: number;
  /** The standardized vector being scored. */
  protected buf: Float64Array;
  /** Scratch for per-feature deviations. */
  protected dev: Float64Array;

  /** Subclasses call `load(model)` after this when the state holds a model. */
  constructor(p: { shingleSize: number; seed: number; shingleMode: ShingleMode }, s: S | undefined, withBand: boolean) {
    this.f = new Featurizer(s?.features ?? Featurizer.initial(p.shingleSize, p.shingleMode), p.shingleMode);
    this.band = withBand ? (s?.band ? { ...s.band } : emptyBand()) : null;
    this.model = s?.model ?? null;
    this.rngState = s?.rng ?? p.seed;
    this.buf = new Float64Array(Math.max(1, this.f.width, p.shingleSize));
    this.dev = new Float64Array(this.buf.length);
  }

  /** Fits the model to the standardized training rows (at least one), drawing from `rng`. */
  protected abstract fit(set: TrainingSet, rng: Rng): M;
  /** Builds what scoring needs from a fitted or restored model. */
  protected abstract load(model: M): void;
  /** Scores the admitted vector in `buf`; `band` is set for univariate input when the detector keeps one. */
  protected abstract score(t: number, model: M, band: Band | null): Scored;

  train(history: Observation[]): void {
    const set = this.f.fit(history);
    this.buf = new Float64Array(Math.max(1, set.width));
    this.dev = new Float64Array(this.buf.length);
    if (set.rows === 0) return;
    const rng = createRng(this.rngState);
    this.model = this.fit(set, rng);
    this.load(this.model);
    if (this.band) this.band = bandFromSeries(set.series);
    this.rngState = rng.state();
  }

  update(obs: Observation): Scored {
    if (this.buf.length < obs.values.length) this.buf = new Float64Array(obs.values.length);
    let band: Band | null = null;
    const reason = this.f.admit(obs, this.buf, this.model !== null, () => {
      if (this.band && this.f.univariate) band = updateBand(this.band, obs.values[0]);
    });
    if (reason) return skipped(obs.t, reason);
    return this.score(obs.t, this.model!, band);
  }

  /**
   * The result with `attributeFrom(ref, off, w)`'s attribution computed on first read: the row is
   * copied now, `ref` must not change while the model stands (its rows are the fitted model's).
   */
  protected lazyFrom(t: number, score: number, raw: number, ref: ArrayLike<number>, off: number, w: number): Scored {
    return new LazyAttributed(t, score, raw, snapshotOf(this.buf, w), (x) => {
      const dev = new Float64Array(w);
      for (let j = 0; j < w; j++) dev[j] = x[j] - ref[off + j];
      return attributeDeviations(dev, w);
    });
  }

  getState(): S {
    const s: TrainedState<M> = { rng: this.rngState, features: this.f.getState(), model: this.model };
    if (this.band) s.band = { ...this.band };
    return s as S;
  }
}
