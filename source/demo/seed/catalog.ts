// Reference data of the demo world: real EV models, real places in Greater Cairo, the New Administrative
// Capital and Alexandria, Egyptian charging operators, Cairo's climate. Shared by the seed and the simulator.

export type EvModel = {
	make: string;
	model: string;
	/** ISO 3779 world manufacturer identifier + vehicle descriptor (8 characters before the check digit). */
	vinPrefix: string;
	/** Plant code (VIN position 11). */
	plant: string;
	batteryKwh: number;
	usableKwh: number;
	maxAcKw: number;
	maxDcKw: number;
	connectors: string[];
	v2g: boolean;
	/** Energy use at 50 km/h and 21 °C, kWh per km (WLTP-like, measured figures of owners). */
	kwhPerKm: number;
	/** Nominal pack voltage. */
	packVoltage: number;
	kind: 'car' | 'van';
	/** Relative frequency in the demo fleets. */
	weight: number;
};

// Pack sizes and charge powers are the manufacturers' published figures.
export const evModels: EvModel[] = [
	{make: 'Nissan', model: 'Leaf 40 kWh', vinPrefix: 'SJNFAAZE', plant: 'U', batteryKwh: 40, usableKwh: 39, maxAcKw: 6.6, maxDcKw: 50, connectors: ['Type2', 'CHAdeMO'], v2g: true, kwhPerKm: 0.165, packVoltage: 350, kind: 'car', weight: 4},
	{make: 'Nissan', model: 'Leaf e+ 62 kWh', vinPrefix: 'SJNFBAZE', plant: 'U', batteryKwh: 62, usableKwh: 59, maxAcKw: 6.6, maxDcKw: 100, connectors: ['Type2', 'CHAdeMO'], v2g: true, kwhPerKm: 0.175, packVoltage: 350, kind: 'car', weight: 2},
	{make: 'Hyundai', model: 'Ioniq 5 77.4 kWh', vinPrefix: 'KMHKN81E', plant: 'U', batteryKwh: 77.4, usableKwh: 74, maxAcKw: 11, maxDcKw: 220, connectors: ['Type2', 'CCS2'], v2g: false, kwhPerKm: 0.17, packVoltage: 697, kind: 'car', weight: 3},
	{make: 'BYD', model: 'Atto 3 60.5 kWh', vinPrefix: 'LGXCE4CB', plant: 'S', batteryKwh: 60.5, usableKwh: 60, maxAcKw: 7, maxDcKw: 88, connectors: ['Type2', 'CCS2'], v2g: false, kwhPerKm: 0.16, packVoltage: 403, kind: 'car', weight: 5},
	{make: 'Tesla', model: 'Model 3 Long Range', vinPrefix: 'LRW3E7EK', plant: 'C', batteryKwh: 82, usableKwh: 78.1, maxAcKw: 11, maxDcKw: 250, connectors: ['Type2', 'CCS2'], v2g: false, kwhPerKm: 0.145, packVoltage: 357, kind: 'car', weight: 2},
	{make: 'Renault', model: 'Zoe ZE50 52 kWh', vinPrefix: 'VF1AG000', plant: 'F', batteryKwh: 54.7, usableKwh: 52, maxAcKw: 22, maxDcKw: 50, connectors: ['Type2', 'CCS2'], v2g: false, kwhPerKm: 0.165, packVoltage: 400, kind: 'car', weight: 2},
	{make: 'MG', model: 'MG4 Electric 64 kWh', vinPrefix: 'LSJWH409', plant: 'N', batteryKwh: 64, usableKwh: 61.7, maxAcKw: 11, maxDcKw: 135, connectors: ['Type2', 'CCS2'], v2g: false, kwhPerKm: 0.165, packVoltage: 400, kind: 'car', weight: 3},
	{make: 'Kia', model: 'EV6 77.4 kWh', vinPrefix: 'KNAC381A', plant: '5', batteryKwh: 77.4, usableKwh: 74, maxAcKw: 11, maxDcKw: 233, connectors: ['Type2', 'CCS2'], v2g: true, kwhPerKm: 0.175, packVoltage: 697, kind: 'car', weight: 1},
	{make: 'Ford', model: 'E-Transit 68 kWh', vinPrefix: 'WF0EXXTT', plant: 'K', batteryKwh: 75, usableKwh: 68, maxAcKw: 11.3, maxDcKw: 115, connectors: ['Type2', 'CCS2'], v2g: false, kwhPerKm: 0.3, packVoltage: 400, kind: 'van', weight: 2},
	{make: 'Mercedes-Benz', model: 'eSprinter 113 kWh', vinPrefix: 'W1V3KCFZ', plant: 'P', batteryKwh: 113, usableKwh: 113, maxAcKw: 11, maxDcKw: 115, connectors: ['Type2', 'CCS2'], v2g: false, kwhPerKm: 0.31, packVoltage: 400, kind: 'van', weight: 1},
	{make: 'Nissan', model: 'e-NV200 40 kWh', vinPrefix: 'VSKHAAME', plant: 'B', batteryKwh: 40, usableKwh: 36, maxAcKw: 6.6, maxDcKw: 50, connectors: ['Type2', 'CHAdeMO'], v2g: true, kwhPerKm: 0.2, packVoltage: 350, kind: 'van', weight: 1},
];

export type Place = {name: string; lat: number; lon: number; area: 'cairo' | 'nac' | 'alexandria'};

// Real places; the seed scatters stations and waypoints within ~1.5 km of them.
export const places: Place[] = [
	{name: 'Tahrir Square', lat: 30.0444, lon: 31.2357, area: 'cairo'},
	{name: 'Ramses Station', lat: 30.0626, lon: 31.2466, area: 'cairo'},
	{name: 'Zamalek', lat: 30.0609, lon: 31.2197, area: 'cairo'},
	{name: 'Mohandessin', lat: 30.0566, lon: 31.2001, area: 'cairo'},
	{name: 'Dokki', lat: 30.038, lon: 31.212, area: 'cairo'},
	{name: 'Garden City', lat: 30.0357, lon: 31.2311, area: 'cairo'},
	{name: 'Shubra', lat: 30.09, lon: 31.245, area: 'cairo'},
	{name: 'Abbassia', lat: 30.072, lon: 31.28, area: 'cairo'},
	{name: 'Heliopolis (Korba)', lat: 30.089, lon: 31.3233, area: 'cairo'},
	{name: 'Nasr City (City Stars)', lat: 30.073, lon: 31.3457, area: 'cairo'},
	{name: 'Cairo International Airport', lat: 30.1219, lon: 31.4056, area: 'cairo'},
	{name: 'Maadi', lat: 29.9602, lon: 31.2569, area: 'cairo'},
	{name: 'Mokattam', lat: 30.013, lon: 31.3, area: 'cairo'},
	{name: 'Helwan', lat: 29.85, lon: 31.334, area: 'cairo'},
	{name: 'Giza Pyramids', lat: 29.9792, lon: 31.1342, area: 'cairo'},
	{name: 'Haram Street', lat: 29.99, lon: 31.17, area: 'cairo'},
	{name: 'Sheikh Zayed City', lat: 30.0443, lon: 30.9846, area: 'cairo'},
	{name: '6th of October City', lat: 29.96, lon: 30.93, area: 'cairo'},
	{name: 'Smart Village', lat: 30.0713, lon: 31.0166, area: 'cairo'},
	{name: 'Cairo Festival City', lat: 30.029, lon: 31.408, area: 'cairo'},
	{name: 'New Cairo 5th Settlement', lat: 30.0081, lon: 31.4283, area: 'cairo'},
	{name: 'AUC New Cairo', lat: 30.019, lon: 31.499, area: 'cairo'},
	{name: 'Rehab City', lat: 30.059, lon: 31.493, area: 'cairo'},
	{name: 'Madinaty', lat: 30.107, lon: 31.639, area: 'cairo'},
	{name: 'Shorouk City', lat: 30.13, lon: 31.61, area: 'cairo'},
	{name: 'Obour City', lat: 30.2, lon: 31.47, area: 'cairo'},
	{name: 'GIU, New Administrative Capital', lat: 30.0234, lon: 31.708, area: 'nac'},
	{name: 'Iconic Tower (CBD)', lat: 30.011, lon: 31.742, area: 'nac'},
	{name: 'Government District', lat: 30.02, lon: 31.758, area: 'nac'},
	{name: 'Al-Fattah Al-Aleem Mosque', lat: 30.049, lon: 31.702, area: 'nac'},
	{name: 'Nativity of Christ Cathedral', lat: 30.053, lon: 31.709, area: 'nac'},
	{name: 'Green River Park', lat: 30.005, lon: 31.73, area: 'nac'},
	{name: 'NAC Residential R3', lat: 30.03, lon: 31.725, area: 'nac'},
	{name: 'Capital International Airport', lat: 30.0728, lon: 31.8361, area: 'nac'},
	{name: 'Alexandria Corniche (Raml Station)', lat: 31.2001, lon: 29.9187, area: 'alexandria'},
	{name: 'Bibliotheca Alexandrina', lat: 31.2089, lon: 29.9092, area: 'alexandria'},
	{name: 'Smouha', lat: 31.2155, lon: 29.9474, area: 'alexandria'},
	{name: 'Sidi Gaber Station', lat: 31.2187, lon: 29.9424, area: 'alexandria'},
	{name: 'Montaza Palace', lat: 31.2886, lon: 30.0157, area: 'alexandria'},
	{name: 'Alexandria Port', lat: 31.1825, lon: 29.8733, area: 'alexandria'},
	{name: 'Borg El Arab Airport', lat: 30.9177, lon: 29.6964, area: 'alexandria'},
];

export type OrganizationSpec = {
	name: string;
	slug: string;
	plan: 'free' | 'starter' | 'professional' | 'enterprise';
	email: string;
	phone: string;
	timezone: string;
	/** Where its depots, routes and own stations are. */
	areas: Array<Place['area']>;
	gridOperator: string;
};

// Organizations in the order the seed uses them; the last one is outside Cairo (RLS and map tests).
export const organizationSpecs: OrganizationSpec[] = [
	{name: 'Nile Green Logistics', slug: 'nile-green-logistics', plan: 'enterprise', email: 'ops@nilegreen.example', phone: '+20 2 2735 0100', timezone: 'Africa/Cairo', areas: ['cairo'], gridOperator: 'North Cairo Electricity Distribution Company'},
	{name: 'Capital E-Mobility', slug: 'capital-e-mobility', plan: 'professional', email: 'fleet@capital-emobility.example', phone: '+20 2 2812 4400', timezone: 'Africa/Cairo', areas: ['nac', 'cairo'], gridOperator: 'South Cairo Electricity Distribution Company'},
	{name: 'GIU Campus Shuttle', slug: 'giu-campus-shuttle', plan: 'starter', email: 'transport@giu.example', phone: '+20 2 3391 0000', timezone: 'Africa/Cairo', areas: ['nac'], gridOperator: 'South Cairo Electricity Distribution Company'},
	{name: 'Cairo Ride Share', slug: 'cairo-ride-share', plan: 'professional', email: 'support@cairoride.example', phone: '+20 2 2417 9090', timezone: 'Africa/Cairo', areas: ['cairo'], gridOperator: 'North Cairo Electricity Distribution Company'},
	{name: 'Delta Courier Co', slug: 'delta-courier', plan: 'starter', email: 'dispatch@deltacourier.example', phone: '+20 2 2590 1212', timezone: 'Africa/Cairo', areas: ['cairo', 'nac'], gridOperator: 'South Cairo Electricity Distribution Company'},
	{name: 'Alexandria Coastal Transport', slug: 'alexandria-coastal', plan: 'starter', email: 'ops@alexcoastal.example', phone: '+20 3 4870 500', timezone: 'Africa/Cairo', areas: ['alexandria'], gridOperator: 'Alexandria Electricity Distribution Company'},
];

/** Public charging networks that operate in Egypt. */
export const chargingOperators = ['Infinity-e', 'Revolta Egypt', 'Elsewedy Plug', 'Sha7en', 'Kemet EV'];

export const firstNames = ['Ahmed', 'Mohamed', 'Mahmoud', 'Omar', 'Youssef', 'Mostafa', 'Karim', 'Hassan', 'Amr', 'Tarek', 'Nour', 'Salma', 'Mariam', 'Yasmin', 'Hana', 'Farida', 'Laila', 'Aya', 'Mona', 'Dina'];
export const lastNames = ['Hassan', 'Ibrahim', 'Mahmoud', 'Abdelrahman', 'El-Sayed', 'Fathy', 'Mansour', 'Saleh', 'Kamal', 'Farouk', 'Nasser', 'Samir', 'Zaki', 'Shawky', 'Ragab'];

// The physics (temperature, consumption, charge curve) lives in the one vehicle model; re-exported for the seed.
export {cairoTemperatureC, cairoTemperatures, chargePowerKw, consumptionKwhPerKm} from '../../model/vehicle-motion.js';
