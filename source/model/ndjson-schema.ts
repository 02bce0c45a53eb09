// The version of the NDJSON records `--json` writes (README, "NDJSON output"): a reader such as
// `minewatch view` refuses a major version it does not know instead of misreading its fields.

/** Raised when a record changes in a way an older reader would misread; adding a field keeps it. */
export const ndjsonSchemaVersion = 1;

/** The records that carry `schema`: every summary and the end record. */
export type VersionedRecordType = 'summary' | 'end';

export function isVersionedRecord(type: string): type is VersionedRecordType {
	return type === 'summary' || type === 'end';
}
