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
/** Per kind default: chosen on held-out figures (lib/detection/README.md, "Shingle mode"). */
export const shingleModeParam = (def: "raw" | "centered" = "raw") =>
  z
    .enum(["raw", "centered"])
    .default(def)
    .describe(
      "Univariate series: what a shingle shows the model (raw values, or values minus the shingle's own mean " +
        "so a level shift or trend is new only while a shingle straddles it); used from the next training",
    );
