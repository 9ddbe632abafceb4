import type { Device, Equipment, Line, Quantity, Segment, SensorDef } from './model';

/** Unit each quantity is stored in. */
export const UNIT_BY_QUANTITY: Readonly<Record<Quantity, string>> = {
  pressure: 'kPa',
  flow: 'm3/h',
  temperature: 'degC',
  vibration_rms: 'mm/s',
  vibration_kurtosis: '1',
  bearing_temperature: 'degC',
  motor_current: 'A',
  discharge_pressure: 'kPa',
  wind_speed: 'm/s',
  wind_direction: 'deg',
  cloud_cover: 'okta',
  air_temperature: 'degC',
  level: 'm',
  acceleration_rms: 'g',
  voltage: 'V',
};

// A device publishes all its sensors in one telemetry message, and @ct/contracts caps a message
// at MAX_READINGS_PER_MESSAGE = 1000 readings.
export const MAX_SENSORS_PER_DEVICE = 1000;

// Company and device ids are topic levels, tags are the contract's sensor names.
export { SENSOR_TAG_PATTERN, TOPIC_ID_PATTERN } from '@ct/contracts';

/** A topic-safe device id made from any text: lowercase, other characters become `-`. */
export function toDeviceId(text: string, maxLength = 60): string {
  const id = text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+/, '')
    .slice(0, maxLength)
    .replace(/[-_]+$/, '');
  return id === '' ? 'device' : id;
}

/** A tag-safe prefix made from any text: characters outside the tag grammar become `-`. */
export function toTagBase(text: string, maxLength = 70): string {
  const tag = text
    .replace(/[^A-Za-z0-9_.:-]+/g, '-')
    .replace(/^[-_.:]+/, '')
    .slice(0, maxLength);
  return tag === '' ? 'X' : tag;
}

export interface Instrumentation {
  devices: Device[];
  sensors: SensorDef[];
}

/**
 * Line sensors: pressure and flow at each segment's inlet, temperature mid-way, and pressure and
 * flow at the last segment's outlet, so mass balance and pressure-wave timing work between
 * consecutive stations. Wired to one RTU per line (more when a line exceeds the per-device cap).
 * `segments` must be in order from the inlet.
 */
export function instrumentLine(
  line: Line,
  segments: readonly Segment[],
  tagBase: string,
  deviceId: string,
): Instrumentation {
  const devices: Device[] = [];
  const sensors: SensorDef[] = [];
  const numbers = { PT: 0, FT: 0, TT: 0 };
  let device: Device | null = null;
  let onDevice = 0;
  segments.forEach((seg, i) => {
    const last = i === segments.length - 1;
    const needed = last ? 5 : 3;
    if (device === null || onDevice + needed > MAX_SENSORS_PER_DEVICE) {
      const part = devices.length + 1;
      device = {
        id: part === 1 ? deviceId : `${deviceId}-${part}`,
        companyId: line.companyId,
        kind: 'rtu',
        name: part === 1 ? `RTU ${line.tag}` : `RTU ${line.tag} (${part})`,
        areaId: line.areaId,
      };
      devices.push(device);
      onDevice = 0;
    }
    const rtu: Device = device;
    const add = (code: keyof typeof numbers, positionM: number): void => {
      const quantity = code === 'PT' ? 'pressure' : code === 'FT' ? 'flow' : 'temperature';
      sensors.push({
        tag: `${tagBase}-${code}-${String(++numbers[code]).padStart(2, '0')}`,
        companyId: line.companyId,
        deviceId: rtu.id,
        quantity,
        unit: UNIT_BY_QUANTITY[quantity],
        segmentId: seg.id,
        equipmentId: null,
        positionM: Math.round(positionM * 100) / 100,
      });
    };
    const len = seg.lengthM;
    // Inlet station about a metre downstream of the flange; the flow meter just after it.
    const pt = Math.min(1, len / 4);
    const ft = Math.min(1.5, len / 3);
    add('PT', pt);
    add('FT', ft);
    add('TT', len / 2);
    if (last) {
      add('PT', len - pt);
      add('FT', len - ft);
    }
    onDevice += needed;
  });
  return { devices, sensors };
}

/** Condition monitoring for a pump or compressor: one device, five sensors. */
export function instrumentMachine(equipment: Equipment, deviceId: string): Instrumentation {
  const device: Device = {
    id: deviceId,
    companyId: equipment.companyId,
    kind: 'condition_monitor',
    name: `Condition monitor ${equipment.tag}`,
    areaId: equipment.areaId,
  };
  const channels: [Quantity, string][] = [
    ['vibration_rms', 'VIB'],
    ['vibration_kurtosis', 'KURT'],
    ['bearing_temperature', 'TBRG'],
    ['motor_current', 'AMP'],
    ['discharge_pressure', 'PDIS'],
  ];
  const sensors = channels.map(([quantity, code]): SensorDef => ({
    tag: `${equipment.tag}-${code}`,
    companyId: equipment.companyId,
    deviceId,
    quantity,
    unit: UNIT_BY_QUANTITY[quantity],
    segmentId: null,
    equipmentId: equipment.id,
    positionM: null,
  }));
  return { devices: [device], sensors };
}
