import { PassThrough } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { INTEGRITY_TABLES_V1 } from '@ct/analytics';
import {
  ApiErrorSchema,
  ConditionDetailSchema,
  ConditionExportQuerySchema,
  ConditionSearchQuerySchema,
  ConditionSearchResponseSchema,
  ConditionSummaryQuerySchema,
  ConditionSummaryResponseSchema,
  InspectionImportQuerySchema,
  InspectionImportRejectedSchema,
  InspectionImportReportSchema,
  IntegrityTablesResponseSchema,
  type ConditionDetail,
} from '@ct/contracts';
import {
  exportConditions,
  getConditionDetail,
  pipeConditionState,
  searchConditions,
  summarizeConditions,
} from '@ct/db';
import type { AppContext } from '../../context';
import { ApiError, notFound } from '../../errors';
import { ImportConflictError, importInspectionCsv } from './import';
import { CSV_COLUMNS, finiteOrNull, toCsvLine, toFilter, toListItem, todayUtc } from './mappers';

const IdParams = z.object({ id: z.string().min(1).max(100) }).strict();
// A date past 9999 (a very slow rate) has no YYYY-MM-DD form: null, as for never.
const LAST_DAY_MS = Date.UTC(9999, 11, 31);
const day = (ms: number | null) =>
  ms === null || ms > LAST_DAY_MS ? null : new Date(ms).toISOString().slice(0, 10);
/** An inspection campaign file may be large: 100,000 readings are about 5 MB. */
const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

/**
 * Pipe condition for plant engineers (issue 5): search, CSV export, one segment's condition with
 * its inspection history, summaries, the risk tables, and inspection-campaign import.
 */
export const conditionRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app) => {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // Campaign files come as the raw body (text/csv); this parser is local to this plugin.
  app.addContentTypeParser(
    ['text/csv', 'application/csv'],
    { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT },
    (_req, body, done) => done(null, body),
  );

  r.get(
    '/api/condition/segments',
    {
      config: { access: 'condition:read' },
      schema: {
        tags: ['pipe condition'],
        summary:
          'Segments by condition: filter by line, owner, area, material, install year, wall loss, ' +
          'corrosion rate, remaining life, next inspection, risk, FFS flag; sort and page',
        querystring: ConditionSearchQuerySchema,
        response: { 200: ConditionSearchResponseSchema },
      },
    },
    async (req) => {
      const q = req.query;
      const { items, total } = await req.db((tx) =>
        searchConditions(tx, {
          filter: toFilter(q, Date.now()),
          sort: q.sort,
          order: q.order,
          limit: q.limit,
          offset: q.offset,
        }),
      );
      return {
        items: items.map(toListItem),
        total,
        limit: q.limit,
        offset: q.offset,
        sort: q.sort,
        order: q.order,
      };
    },
  );

  r.get(
    '/api/condition/segments.csv',
    {
      config: { access: 'condition:read' },
      schema: {
        tags: ['pipe condition'],
        summary: 'The filtered, sorted list as CSV (every matching segment, no paging)',
        querystring: ConditionExportQuerySchema,
        produces: ['text/csv'],
      },
    },
    async (req, reply) => {
      const q = req.query;
      // The cursor lives in the request's scoped transaction, open while the file streams.
      const out = new PassThrough();
      out.write(`${CSV_COLUMNS.join(',')}\n`);
      // a client gone away ends the cursor and the transaction ('close' as well as 'drain')
      const room = () =>
        new Promise<void>((resolve) => {
          const go = () => (out.off('drain', go), out.off('close', go), resolve());
          out.once('drain', go);
          out.once('close', go);
        });
      req
        .db(async (tx) => {
          for await (const rows of exportConditions(tx, toFilter(q, Date.now()), q.sort, q.order)) {
            if (out.destroyed) break;
            if (!out.write(`${rows.map(toCsvLine).join('\n')}\n`)) await room();
          }
        })
        .then(
          () => out.end(),
          (err: Error) => out.destroy(err),
        );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="pipe-condition.csv"')
        .send(out);
    },
  );

  r.get(
    '/api/condition/segments/:id',
    {
      config: { access: 'condition:read' },
      schema: {
        tags: ['pipe condition'],
        summary:
          "One segment's condition: design data, B31.3 required thickness, every reading per CML " +
          'with its rates and remaining life, next inspection, risk cell and what drove it',
        params: IdParams,
        response: { 200: ConditionDetailSchema },
      },
    },
    async (req) => {
      const now = Date.now();
      const d = await req.db((tx) =>
        getConditionDetail(tx, req.params.id, todayUtc(now), { nowMs: now }),
      );
      if (!d) throw notFound(`segment ${req.params.id}`);
      const seg = d.segment;
      const req31 = d.computed.required;
      const c = d.computed;
      const s = d.stored;
      const body: ConditionDetail = {
        segment: {
          id: seg.id,
          line_id: seg.line_id,
          line_tag: seg.line_tag,
          line_name: seg.line_name,
          company_id: seg.company_id,
          company_name: seg.company_name,
          area_id: seg.area_id,
          material: seg.material,
          install_year: seg.install_year,
          substance_id: seg.substance_id,
          fluid: seg.fluid,
          toxic: seg.toxic,
          flammable: seg.flammable,
          piping_class: seg.piping_class,
          placement: seg.placement,
          diameter_mm: seg.diameter_mm,
          wall_mm: seg.wall_mm,
          corrosion_allowance_mm: seg.corrosion_allowance_mm,
          design_pressure_kpa: seg.design_pressure_kpa,
          design_temp_c: seg.design_temp_c,
          length_m: seg.length_m,
        },
        required_thickness: {
          standard: 'ASME B31.3 para. 304.1.2 Eq. (3a); API 574 structural minimum',
          design_pressure_mpa: seg.design_pressure_kpa / 1000,
          design_temp_c: seg.design_temp_c,
          outside_diameter_mm: seg.diameter_mm,
          allowable_stress_mpa: req31.stressMpa,
          weld_quality_e: req31.weldQualityE,
          weld_strength_w: req31.weldStrengthW,
          y: req31.y,
          corrosion_allowance_mm: seg.corrosion_allowance_mm,
          pressure_design_mm: req31.pressureMm,
          minimum_with_allowance_mm: req31.minimumWithAllowanceMm,
          nominal_required_mm: req31.nominalRequiredMm,
          structural_minimum_mm: req31.structuralMm,
          retirement_mm: req31.retirementMm,
          governed_by: req31.governedBy,
        },
        condition: s
          ? {
              ...toListItem(s),
              pof_per_year: s.pof_per_year,
              damage_factor: s.damage_factor,
              consequence_area_m2: s.consequence_area_m2,
              tables_version: s.tables_version,
              assessed_at: s.assessed_at.getTime(),
            }
          : null,
        risk: s
          ? {
              cell: `${s.probability_category}${s.consequence_category}`,
              level: s.risk_level as NonNullable<ConditionDetail['risk']>['level'],
              probability: {
                category: s.probability_category,
                pof_per_year: s.pof_per_year,
                damage_factor: s.damage_factor,
                art: Number.isFinite(c.probability.art) ? c.probability.art : null,
                drivers: c.probability.drivers,
              },
              consequence: {
                category: s.consequence_category as NonNullable<
                  ConditionDetail['risk']
                >['consequence']['category'],
                area_m2: s.consequence_area_m2,
                inventory_kg: c.consequence.inventoryKg,
                nearby_companies: c.consequence.nearbyCompanies,
                drivers: c.consequence.drivers,
              },
            }
          : null,
        anticipated_rate_mm_y: d.anticipatedRateMmY,
        cmls: d.cmls.map((m) => {
          const a = m.assessment;
          return {
            cml: m.cml,
            position_m: m.position_m,
            readings: m.readings,
            t_initial_mm: a?.rates.initial?.thickness ?? null,
            t_previous_mm: a?.rates.previous?.thickness ?? null,
            t_actual_mm: a?.rates.actual?.thickness ?? null,
            cr_lt_mm_y: a?.rates.longTerm ?? null,
            cr_st_mm_y: a?.rates.shortTerm ?? null,
            corrosion_rate_mm_y: a?.rates.governing ?? null,
            rate_basis: a?.rates.basis ?? null,
            remaining_life_y: finiteOrNull(a?.remainingLifeY),
            end_of_life: day(a?.endOfLifeMs ?? null),
            next_inspection: day(a?.nextInspectionMs ?? null),
            interval_y: a?.intervalY ?? null,
            interval_basis: a?.intervalBasis ?? null,
            below_required: a?.belowRequired ?? false,
            no_measurable_corrosion: a?.noMeasurableCorrosion ?? false,
          };
        }),
      };
      return body;
    },
  );

  r.get(
    '/api/condition/summary',
    {
      config: { access: 'condition:read' },
      schema: {
        tags: ['pipe condition'],
        summary:
          'Per line, company or area: segments in each risk cell and level, overdue inspections, ' +
          'FFS reviews, never inspected',
        querystring: ConditionSummaryQuerySchema,
        response: { 200: ConditionSummaryResponseSchema },
      },
    },
    async (req) => {
      const q = req.query;
      const { items, total } = await req.db((tx) =>
        summarizeConditions(tx, q.by, toFilter(q, Date.now()), {
          limit: q.limit,
          offset: q.offset,
        }),
      );
      return { by: q.by, items, total };
    },
  );

  r.get(
    '/api/condition/tables',
    {
      config: { access: 'condition:read' },
      schema: {
        tags: ['pipe condition'],
        summary: 'The versioned tables the conditions are computed with (B31.3, API 570, risk)',
        response: { 200: IntegrityTablesResponseSchema },
      },
    },
    async (req) => {
      const t = INTEGRITY_TABLES_V1;
      const state = await req.db((tx) => pipeConditionState(tx, t.version));
      return {
        version: t.version,
        stale_segments: state.staleConditions + Math.max(0, state.segments - state.conditions),
        segments_assessed: state.conditions,
        // JSON has no Infinity: the last structural row is open-ended (null)
        b31_3: JSON.parse(JSON.stringify(t.b31_3)) as Record<string, unknown>,
        api570: { ...t.api570 },
        risk: JSON.parse(JSON.stringify(t.risk)) as Record<string, unknown>,
      };
    },
  );

  r.post(
    '/api/condition/inspections',
    {
      config: { access: 'condition:import' },
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['pipe condition'],
        summary:
          'Import an inspection campaign (CSV body, text/csv): every line checked, nothing stored ' +
          'unless the file is clean or mode=clean_lines; conditions recomputed in the same transaction',
        querystring: InspectionImportQuerySchema,
        consumes: ['text/csv', 'text/plain'],
        body: z.string().describe('CSV: segment_id,cml,date,thickness_mm[,method,inspector]'),
        response: {
          200: InspectionImportReportSchema,
          409: ApiErrorSchema,
          422: InspectionImportRejectedSchema,
        },
      },
    },
    async (req, reply) => {
      if (typeof req.body !== 'string') {
        throw new ApiError('CT_ERR_API_BAD_REQUEST', 'send the CSV file as a text/csv body');
      }
      let report;
      try {
        const body = req.body;
        report = await req.db(async (tx) => {
          const rep = await importInspectionCsv(tx, body, {
            mode: req.query.mode,
            dryRun: req.query.dry_run,
            allowNewCmls: req.query.allow_new_cmls,
            campaign: req.query.campaign,
            nowMs: Date.now(),
          });
          if (rep.status === 'imported' && rep.stored > 0)
            await req.audit(
              {
                action: 'inspection_import',
                objectType: 'inspection_campaign',
                objectId: String(rep.campaign_id),
                detail: { stored: rep.stored, recomputed_segments: rep.recomputed_segments },
              },
              tx,
            );
          return rep;
        });
      } catch (err) {
        if (err instanceof ImportConflictError) {
          throw new ApiError(
            'CT_ERR_API_IMPORT_CONFLICT',
            'another import stored some of these readings meanwhile; nothing of this file was stored: send it again to see which lines',
          );
        }
        throw err;
      }
      if (report.status === 'rejected') {
        const lines = report.rejected_lines;
        return reply.code(422).send({
          statusCode: 422 as const,
          code: 'CT_ERR_API_IMPORT_REJECTED' as const,
          error: 'Unprocessable Entity',
          message: `${lines} of ${report.lines} lines have errors; nothing was imported (fix them, or import the clean lines with mode=clean_lines)`,
          report,
        });
      }
      return report;
    },
  );
};
