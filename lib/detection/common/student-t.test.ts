import { describe, expect, it } from "vitest";
import { normalTail } from "./normal";
import { incompleteBeta, logGamma, studentTQuantileUpper, studentTTail } from "./student-t";

describe("student-t", () => {
  it("logGamma matches factorials and Γ(1/2) = sqrt(π)", () => {
    expect(logGamma(10)).toBeCloseTo(Math.log(362_880), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(1)).toBeCloseTo(0, 12);
    let logFactorial = 0;
    for (let k = 2; k < 170; k++) logFactorial += Math.log(k);
    expect(logGamma(170)).toBeCloseTo(logFactorial, 9);
    expect(logGamma(100.5) - logGamma(99.5)).toBeCloseTo(Math.log(99.5), 12);
  });

  it("incompleteBeta has closed forms at a = 1 or b = 1", () => {
    expect(incompleteBeta(1, 3, 0.2)).toBeCloseTo(1 - 0.8 ** 3, 12);
    expect(incompleteBeta(2, 1, 0.7)).toBeCloseTo(0.49, 12);
    expect(incompleteBeta(2, 3, 0)).toBe(0);
    expect(incompleteBeta(2, 3, 1)).toBe(1);
  });

  it("tail and quantiles match tables (Cauchy, 2 and 10 dof, normal limit)", () => {
    expect(studentTTail(1, 1)).toBeCloseTo(0.25, 12); // Cauchy
    expect(studentTTail(0, 5)).toBeCloseTo(0.5, 12);
    expect(studentTTail(-1, 1)).toBeCloseTo(0.75, 12);
    expect(studentTQuantileUpper(0.025, 1)).toBeCloseTo(12.7062047, 6);
    expect(studentTQuantileUpper(0.025, 2)).toBeCloseTo(4.3026527, 6);
    expect(studentTQuantileUpper(0.025, 10)).toBeCloseTo(2.2281389, 6);
    expect(studentTQuantileUpper(normalTail(3), 1e7)).toBeCloseTo(3, 4);
  });
});
