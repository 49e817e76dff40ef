/**
 * What an analyze report must give whatever engine read the logs: counts, tokens, dollars, the label mix, groups,
 * period, failures, problems and the reasons records were invalid (not the sources read, their bytes, or the
 * suggested `tokor label` command, which name the inputs as given).
 */
// biome-ignore lint/suspicious/noExplicitAny: the analyze JSON as the CLI prints it, read field by field
export function engineFigures(r: Record<string, any>): unknown {
  return {
    records: r.records,
    tokens: r.tokens,
    cost: r.cost,
    distribution: r.distribution,
    byModel: r.byModel,
    byGroup: r.byGroup,
    period: r.period,
    failedByCode: r.failedByCode,
    problems: r.problems,
    invalid: r.invalid.reasons,
    unpricedModels: r.unpricedModels,
  };
}
