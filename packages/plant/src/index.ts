export type {
  Vec3,
  Vec2,
  SubstanceId,
  LevelsOfConcern,
  Substance,
  Material,
  Placement,
  Site,
  Area,
  Company,
  Line,
  NodeKind,
  PlantNode,
  Segment,
  EquipmentKind,
  Equipment,
  DeviceKind,
  Device,
  Quantity,
  SensorDef,
  PlantSize,
  PlantModel,
} from './model';
export { SUBSTANCES, SUBSTANCE_IDS, substanceById } from './substances';
export { generatePlant, GENERATOR_VERSION } from './generator';
export type { GeneratePlantOptions } from './generator';
export { importGeoJson, PlantImportError } from './geojson-import';
export type { ImportGeoJsonOptions, PlantImportIssue } from './geojson-import';
export { polylineLength, pointAlong, plantSummary } from './geometry';
export type { PlantSummary } from './geometry';
export { NPS_OUTSIDE_DIAMETERS_MM } from './pipe-sizes';
export { MAX_SENSORS_PER_DEVICE, UNIT_BY_QUANTITY } from './instrumentation';
export { generateInspectionHistory } from './inspections';
export type { InspectionHistory, GenerateInspectionsOptions } from './inspections';
