// Human formatting shared by tables, screens and messages: one function per job.

/** "3s", "4m", "2h", "5d" — the age of a timestamp relative to now. */
export function formatAge(from: Date | null | undefined, now: number = Date.now()): string {
	if (!from) return '-';
	return formatSeconds(Math.max(0, (now - from.getTime()) / 1000));
}

/** Compact seconds: 42s, 3m, 2h, 5d (one unit, rounded down). */
export function formatSeconds(seconds: number | null | undefined): string {
	if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '-';
	if (seconds < 60) return `${Math.floor(seconds)}s`;
	if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
	if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
	return `${Math.floor(seconds / 86_400)}d`;
}

/** Elapsed time with two units: "1h 05m", "3m 12s", "850 ms". */
export function formatDuration(ms: number): string {
	if (ms < 1000) return `${Math.round(ms)} ms`;
	const s = Math.floor(ms / 1000);
	if (s < 60) return `${(ms / 1000).toFixed(1)} s`;
	if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
	return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatBytes(bytes: number | null | undefined): string {
	if (bytes === null || bytes === undefined) return '-';
	const units = ['B', 'kB', 'MB', 'GB', 'TB'];
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** A horizontal bar of `width` cells for a value in [0, max]: "█████░░░". ASCII with ascii=true. */
export function formatBar(value: number | null | undefined, max: number, width: number, ascii = false): string {
	const [full, empty] = ascii ? ['#', '.'] : ['█', '░'];
	if (value === null || value === undefined || !Number.isFinite(value) || width <= 0) return ' '.repeat(Math.max(0, width));
	const filled = Math.round((Math.min(Math.max(value, 0), max) / max) * width);
	return full.repeat(filled) + empty.repeat(width - filled);
}

/** Great-circle bearing as a compass point: N, NE, E … */
export function compassPoint(degrees: number): string {
	const points = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'];
	return points[Math.round((((degrees % 360) + 360) % 360) / 45) % 8]!;
}

export function formatNumber(value: number | null | undefined, digits = 0): string {
	if (value === null || value === undefined || !Number.isFinite(value)) return '-';
	return value.toLocaleString('en-US', {minimumFractionDigits: digits, maximumFractionDigits: digits});
}

/**
 * A short, reverse-geocode-free place: "3.2 km NE of depot", "at depot" (within 150 m), or "52.5300,13.4500"
 * when the fleet has no depot; "-" without a position.
 */
export function describeLocation(place: {latitude: number | null; longitude: number | null; depotDistanceM?: number | null; depotBearingDeg?: number | null}): string {
	if (place.latitude === null || place.longitude === null) return '-';
	const distance = place.depotDistanceM;
	if (distance === null || distance === undefined || !Number.isFinite(distance)) return `${place.latitude.toFixed(4)},${place.longitude.toFixed(4)}`;
	if (distance < 150) return 'at depot';
	const text = distance < 10_000 ? `${(distance / 1000).toFixed(1)} km` : `${Math.round(distance / 1000)} km`;
	return place.depotBearingDeg === null || place.depotBearingDeg === undefined ? `${text} from depot` : `${text} ${compassPoint(place.depotBearingDeg)} of depot`;
}

/** "PostgreSQL 15.18 (Debian 15.18-0+deb12u1)" -> "PG 15.18": the packager's suffix does not fit in an 80-column header. */
export function shortServerVersion(version: string): string {
	return version.replace(/^PostgreSQL /, 'PG ').replace(/\s*\(.*\)\s*$/, '').trim();
}

const monthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A time of day in UTC that carries its date when it is not today: "14:05" today, "Dec 07 14:05" another day
 * of this year, "2025-12-07 14:05" another year (an ETA of tomorrow must not read as today).
 */
export function formatClock(date: Date, now: number = Date.now()): string {
	const today = new Date(now);
	const time = date.toISOString().slice(11, 16);
	if (date.getUTCFullYear() !== today.getUTCFullYear()) return `${date.toISOString().slice(0, 10)} ${time}`;
	if (date.getUTCMonth() === today.getUTCMonth() && date.getUTCDate() === today.getUTCDate()) return time;
	return `${monthNames[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, '0')} ${time}`;
}
