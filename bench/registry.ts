// The explicit list of benchmarks: name → what it measures → how to run it.
import { dashboardsBench } from './dashboards.bench.ts';
import { fanoutBench } from './fanout.bench.ts';
import { importTelegramBench } from './import-telegram.bench.ts';
import { integrationBench } from './integration.bench.ts';
import { memberImportBench } from './member-import.bench.ts';
import { memberSearchBench } from './member-search.bench.ts';
import { relayBench } from './relay.bench.ts';
import { rulesBench } from './rules.bench.ts';

export interface Bench {
  name: string;
  description: string;
  run(): Promise<void>;
}

export const benches: Bench[] = [memberSearchBench, memberImportBench, fanoutBench, rulesBench, importTelegramBench, integrationBench, relayBench, dashboardsBench];
