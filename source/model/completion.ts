// Completion of `:` command arguments (`:vehicles <fleet>`, `:vehicle <VIN>`, `:org <slug>`) from the database.

/** What an argument names, so the source knows where to look. */
export type CompletionKind = 'fleet' | 'vehicle' | 'organization';

export type CompletionData = {
	/** Up to `limit` values starting with `prefix` (case-insensitive), in order; [] for an empty prefix is fine. */
	complete(kind: CompletionKind, prefix: string, limit: number): Promise<string[]>;
};
