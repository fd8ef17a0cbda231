/**
 * A detector and one of its subjects. A series id names the series' own subject, so callers that
 * predate subjects (`{ detectorId, seriesId }`) keep working for univariate pairs.
 */
export type PairRef = { detectorId: string } & ({ subjectId: string } | { seriesId: string });

export const subjectIdOf = (p: PairRef): string => ("subjectId" in p ? p.subjectId : p.seriesId);
