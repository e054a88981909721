// Warning levels I (most severe, red) to IV (blue) from the 0–100 score. A warning opens or rises
// when the score reaches a level's threshold, and falls or closes only when the score drops 10 points
// below it: a score hovering around a threshold does not make the warning flap.

export const levels = ['I', 'II', 'III', 'IV'] as const;
export type Level = (typeof levels)[number];

export const thresholds: Record<Level, number> = { I: 85, II: 70, III: 50, IV: 30 };
export const hysteresis = 10;

/** The level a score reaches (entering thresholds), or undefined below IV. */
export function levelFor(score: number): Level | undefined {
  return levels.find((l) => score >= thresholds[l]);
}

/** The level an open warning keeps at this score (exit thresholds, `hysteresis` points lower). */
export function levelHeld(score: number): Level | undefined {
  return levels.find((l) => score >= thresholds[l] - hysteresis);
}

/** Negative when a is more severe than b. */
export function compareLevels(a: Level, b: Level): number {
  return levels.indexOf(a) - levels.indexOf(b);
}
