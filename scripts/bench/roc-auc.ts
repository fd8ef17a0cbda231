/** ROC-AUC as the Mann-Whitney statistic (ties count half); higher score = more anomalous. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let k = 0; k < order.length; ) {
    let end = k;
    while (end + 1 < order.length && scores[order[end + 1]] === scores[order[k]]) end++;
    const rank = (k + end) / 2 + 1;
    for (let j = k; j <= end; j++) {
      if (labels[order[j]]) {
        positives++;
        rankSum += rank;
      }
    }
    k = end + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
