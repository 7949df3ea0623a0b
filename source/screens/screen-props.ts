// Props the shell hands every screen (see the convention at the top of source/app/views.tsx).
export type ScreenProps<Data> = {
	readonly data: Data;
	readonly width: number;
	readonly height: number;
	readonly isActive: boolean;
	navigate(view: string, arg?: string, label?: string): void;
	back?(): void;
	readonly arg?: string;
	reportError?(error: unknown): void;
};
