import {
  type CoreApp,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type MetricFindValue,
  type ScopedVars,
} from '@grafana/data';
import { DataSourceWithBackend, getGrafanaLiveSrv, getTemplateSrv, type TemplateSrv } from '@grafana/runtime';
import { merge, type Observable } from 'rxjs';

import { AnnotationsEditor } from './components/AnnotationsEditor/AnnotationsEditor';
import { interpolateQuery } from './interpolate';
import { liveAddress } from './live';
import {
  DEFAULT_QUERY,
  type FieldOption,
  type ResourceOption,
  type ShotlineLists,
  type ShotlineOptions,
  type ShotlineQuery,
  type ShotlineVariableQuery,
} from './types';
import { ShotlineVariableSupport } from './variables';

/**
 * The Shotline datasource. Queries run in the Go backend (pkg/plugin), which
 * holds the relay's service token; this side interpolates template variables,
 * turns `live` queries into Grafana Live streams and fetches the lists the
 * editors and template variables offer through the backend's resources.
 */
export class DataSource extends DataSourceWithBackend<ShotlineQuery, ShotlineOptions> implements ShotlineLists {
  readonly defaultSheet?: string;

  constructor(
    instanceSettings: DataSourceInstanceSettings<ShotlineOptions>,
    private readonly templateSrv: TemplateSrv = getTemplateSrv()
  ) {
    super(instanceSettings);
    this.defaultSheet = instanceSettings.jsonData.defaultSheet || undefined;
    this.annotations = {
      QueryEditor: AnnotationsEditor,
      getDefaultQuery: () => ({ queryType: 'annotations', sheet: this.defaultSheet }),
      // Whatever the stored annotation query held, it runs as an annotations query.
      prepareQuery: (anno) => (anno.target ? { ...anno.target, queryType: 'annotations' } : undefined),
    };
    this.variables = new ShotlineVariableSupport(this);
  }

  getDefaultQuery(_app: CoreApp): Partial<ShotlineQuery> {
    return { ...DEFAULT_QUERY, sheet: this.defaultSheet };
  }

  filterQuery(query: ShotlineQuery): boolean {
    return !query.hide;
  }

  applyTemplateVariables(query: ShotlineQuery, scopedVars: ScopedVars): ShotlineQuery {
    return interpolateQuery(query, this.templateSrv, scopedVars);
  }

  /**
   * Live queries become Grafana Live subscriptions to `ds/<uid>/<path>` (one
   * backend stream per path, shared by every viewer); the others go to the
   * backend as one request.
   */
  query(request: DataQueryRequest<ShotlineQuery>): Observable<DataQueryResponse> {
    const live = request.targets.filter((t) => t.queryType === 'live' && !t.hide);
    if (live.length === 0) {
      return super.query(request);
    }
    const streams = live.map((target) =>
      getGrafanaLiveSrv().getDataStream({
        addr: liveAddress(this.uid, target.path),
        key: `${request.requestId}-${target.refId}`,
      })
    );
    const others = request.targets.filter((t) => !live.includes(t));
    if (others.length > 0) {
      streams.push(super.query({ ...request, targets: others }));
    }
    return merge(...streams);
  }

  /** Values of a template variable (also the classic `metricFindQuery` entry point). */
  async metricFindQuery(
    query: ShotlineVariableQuery,
    options?: { scopedVars?: ScopedVars }
  ): Promise<MetricFindValue[]> {
    const scopedVars = options?.scopedVars ?? {};
    const params: Record<string, string | number> = {};
    const campaign = query.campaign ? this.templateSrv.replace(query.campaign, scopedVars) : '';
    const sheet = query.sheet ? this.templateSrv.replace(query.sheet, scopedVars) : '';
    if (campaign) {
      params.campaign = campaign;
    }
    if (sheet) {
      params.sheet = sheet;
    }
    if (query.limit) {
      params.limit = query.limit;
    }
    const path = query.kind === 'recentShots' ? 'shots/recent' : query.kind;
    const options_: ResourceOption[] = await this.getResource(path, params);
    return options_.map((o) => ({ text: o.text, value: o.value }));
  }

  sheets(): Promise<ResourceOption[]> {
    return this.getResource('sheets');
  }

  campaigns(): Promise<ResourceOption[]> {
    return this.getResource('campaigns');
  }

  channels(): Promise<ResourceOption[]> {
    return this.getResource('channels');
  }

  fields(sheet?: string): Promise<FieldOption[]> {
    return this.getResource('fields', sheet ? { sheet } : {});
  }
}
