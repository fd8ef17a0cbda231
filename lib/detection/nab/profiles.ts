/** NAB's scoring profiles: the weights of a true positive, false positive and false negative. */

export interface NabProfile {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
}

export const NAB_PROFILE_NAMES = ["standard", "reward_low_FP_rate", "reward_low_FN_rate"] as const;
export type NabProfileName = (typeof NAB_PROFILE_NAMES)[number];

/** The values of NAB's `config/profiles.json`. */
export const NAB_PROFILES: Record<NabProfileName, NabProfile> = {
  standard: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  reward_low_FP_rate: { tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  reward_low_FN_rate: { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
};

/** Reads NAB's `profiles.json` shape: `{ name: { CostMatrix: { tpWeight, fpWeight, fnWeight } } }`. */
export function parseProfiles(json: unknown): Record<string, NabProfile> {
  const out: Record<string, NabProfile> = {};
  for (const [name, value] of Object.entries(json as Record<string, { CostMatrix?: Record<string, unknown> }>)) {
    const m = value?.CostMatrix;
    const tpWeight = Number(m?.tpWeight);
    const fpWeight = Number(m?.fpWeight);
    const fnWeight = Number(m?.fnWeight);
    if (![tpWeight, fpWeight, fnWeight].every(Number.isFinite)) throw new Error(`Bad cost matrix for ${name}`);
    out[name] = { tpWeight, fpWeight, fnWeight };
  }
  return out;
}
