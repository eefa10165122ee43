// Types of vitest-report.mjs, for the TypeScript tests that import it.

interface ReportFile {
  name: string;
  status: string;
  message?: string;
  assertionResults: { fullName: string; status: string; failureMessages?: string[] }[];
}

/** A vitest JSON report, the parts read here. */
export interface VitestReport {
  testResults: ReportFile[];
}

export function isBrokenFile(file: ReportFile): boolean;
export function failedTests(report: VitestReport, base?: string): string[];
