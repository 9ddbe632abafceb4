import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { releaseCells, type DisclosureCell, type DisclosureLevel } from '@ct/analytics';
import { STATS_DATASETS, StatsResponseSchema, type StatsResponse } from '@ct/contracts';
import { listStatsQueries, queryStatsCells, recordStatsQuery } from '@ct/db';
import type { AppContext } from '../../context';
import { ApiError } from '../../errors';
import type { SecurityOptions } from '../../security/options';

const DATASET_INFO = {
  corrosion: { d1: 'material', d2: 'fluid', unit: 'mm/y (mean corrosion rate, measured)' },
  failures: { d1: 'age_band', d2: 'material', unit: 'failures per 1,000 km-years' },
} as const;

const LEVELS: Record<number, DisclosureLevel> = { 0: 'cell', 1: 'row', 2: 'column', 3: 'total' };
const YEAR_MS = 365.25 * 86_400_000;

const Query = z
  .object({
    /** Areas, comma-separated (all when absent). */
    area: z
      .string()
      .max(500)
      .regex(/^[A-Za-z0-9_,-]+$/)
      .optional(),
    install_year_min: z.coerce.number().int().min(1900).max(2100).optional(),
    install_year_max: z.coerce.number().int().min(1900).max(2100).optional(),
    /** failures: the period the alerts were raised in (default the last 365 days). */
    from: z.coerce.number().int().nonnegative().max(8.64e15).optional(),
    to: z.coerce.number().int().nonnegative().max(8.64e15).optional(),
  })
  .strict();
type Query = z.infer<typeof Query>;

/**
 * Anonymized complex-wide statistics: the database aggregates every company's rows and holds
 * back cells below the threshold or dominated by one company; here the differencing audit
 * (against this user's and company's earlier queries) and secondary suppression follow, and
 * what was released is recorded.
 */
export const statsRoutes: FastifyPluginAsync<{
  ctx: AppContext;
  security: SecurityOptions;
}> = async (app, { security }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const rules = { minCompanies: security.statsMinCompanies, maxShare: security.statsMaxShare };

  async function compute(
    req: FastifyRequest,
    dataset: (typeof STATS_DATASETS)[number],
    q: Query,
  ): Promise<StatsResponse> {
    const p = req.principal!;
    if (p.userId === null) throw new ApiError('CT_ERR_API_FORBIDDEN', 'statistics are for users');
    const now = Date.now();
    const toMs = q.to ?? now;
    const fromMs = q.from ?? toMs - YEAR_MS;
    if (!(fromMs < toMs))
      throw new ApiError('CT_ERR_API_BAD_REQUEST', '`from` must be earlier than `to`');
    if (
      q.install_year_min !== undefined &&
      q.install_year_max !== undefined &&
      q.install_year_min > q.install_year_max
    )
      throw new ApiError(
        'CT_ERR_API_BAD_REQUEST',
        '`install_year_min` is after `install_year_max`',
      );
    const areas = q.area ? [...new Set(q.area.split(',').filter(Boolean))].sort() : null;
    const filters: Record<string, unknown> = {
      area: areas,
      install_year_min: q.install_year_min ?? null,
      install_year_max: q.install_year_max ?? null,
      ...(dataset === 'failures' ? { from: fromMs, to: toMs } : {}),
    };
    return req.db(async (tx) => {
      const rows = await queryStatsCells(tx, {
        dataset,
        areas,
        yearMin: q.install_year_min ?? null,
        yearMax: q.install_year_max ?? null,
        fromMs,
        toMs,
        minCompanies: rules.minCompanies,
        maxShare: rules.maxShare,
      });
      const cells: DisclosureCell[] = rows.map((c) => ({
        level: LEVELS[c.grp]!,
        d1: c.grp === 0 || c.grp === 1 ? c.d1 : null,
        d2: c.grp === 0 || c.grp === 2 ? c.d2 : null,
        companies: c.companies,
        weight: c.weight,
        total: c.total,
        topWeightShare: c.top_weight_share,
        topValueShare: c.top_value_share,
        contributors: c.contributors,
      }));
      const prior = await listStatsQueries(tx, {
        userId: p.userId!,
        companyId: p.companyId,
        dataset,
        sinceMs: now - security.statsDifferencingDays * 86_400_000,
      });
      const { cells: out, released } = releaseCells(
        cells,
        rules,
        prior.flatMap((x) => x.released),
      );
      const suppressed = out.filter((c) => c.suppressed).length;
      await recordStatsQuery(tx, {
        userId: p.userId!,
        companyId: p.companyId,
        dataset,
        filters,
        released,
        suppressed,
      });
      const years = (toMs - fromMs) / YEAR_MS;
      return {
        dataset,
        d1: DATASET_INFO[dataset].d1,
        d2: DATASET_INFO[dataset].d2,
        unit: DATASET_INFO[dataset].unit,
        rules: {
          min_companies: rules.minCompanies,
          max_share: rules.maxShare,
          secondary: true,
          differencing_window_days: security.statsDifferencingDays,
        },
        filters,
        suppressed,
        cells: out.map((c) => ({
          level: c.level,
          d1: c.d1,
          d2: c.d2,
          companies: c.companies,
          weight: c.weight === null ? null : round(c.weight, 3),
          value:
            c.weight === null || c.total === null || c.weight === 0
              ? null
              : dataset === 'corrosion'
                ? round(c.total / c.weight, 4)
                : round((c.total / (c.weight * years)) * 1000, 3),
          suppressed: c.suppressed,
          reason: c.reason,
        })),
      };
    });
  }

  const Params = z.object({ dataset: z.enum(STATS_DATASETS) }).strict();

  r.get(
    '/api/stats/:dataset',
    {
      config: { access: 'stats:read' },
      schema: {
        tags: ['stats'],
        summary:
          'Anonymized complex-wide statistics (corrosion: mean rate by material and fluid; failures: alerts per 1,000 km-years by age band and material) with margins; cells with fewer than 5 companies, dominated by one (over 60 %), recoverable from the others, or differencing an earlier query of yours are suppressed',
        params: Params,
        querystring: Query,
        response: { 200: StatsResponseSchema },
      },
    },
    async (req) => compute(req, req.params.dataset, req.query),
  );

  for (const dataset of STATS_DATASETS) {
    r.get(
      `/api/stats/${dataset}.csv`,
      {
        config: { access: 'stats:read' },
        schema: {
          tags: ['stats'],
          summary: `The ${dataset} statistics as CSV (suppressed cells empty, with the reason)`,
          querystring: Query,
        },
      },
      async (req, reply) => {
        const s = await compute(req, dataset, req.query);
        const lines = [`level,${s.d1},${s.d2},companies,weight,value,suppressed,reason`];
        const field = (v: string | number | null | boolean) =>
          v === null
            ? ''
            : typeof v === 'string' && /[",\n]/.test(v)
              ? `"${v.replace(/"/g, '""')}"`
              : String(v);
        for (const c of s.cells)
          lines.push(
            [c.level, c.d1, c.d2, c.companies, c.weight, c.value, c.suppressed, c.reason]
              .map(field)
              .join(','),
          );
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="complextwin-${dataset}.csv"`)
          .send(
            `# ${s.unit}; at least ${s.rules.min_companies} companies per cell, none above ${s.rules.max_share * 100} %\n${lines.join('\n')}\n`,
          );
      },
    );
  }
};

function round(x: number, d: number): number {
  return Math.round(x * 10 ** d) / 10 ** d;
}
