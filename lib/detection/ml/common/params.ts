/** Zod fields shared by the ML detectors' parameter schemas. */
import { z } from "zod";

export const seedParam = z.number().int().min(0).max(0xffffffff).default(42).describe("Random seed");
export const shingleParam = (def: number) =>
  z
    .number()
    .int()
    .min(1)
    .max(256)
    .default(def)
    .describe("Univariate series: how many recent values form one feature vector");
