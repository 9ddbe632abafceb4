import { useEffect, useMemo } from 'react';
import { Canvas } from '@react-three/fiber';
import type { NetworkData } from '../store/network-store';
import { selectionStore } from '../store/selection-store';
import { CameraRig } from './CameraRig';
import { startColourController } from './colour-controller';
import { EquipmentHighlight } from './EquipmentHighlight';
import { EquipmentLayer } from './EquipmentLayer';
import { Ground } from './Ground';
import { IncidentOverlay } from './IncidentOverlay';
import { LabelProjector } from './LabelProjector';
import { PALETTE } from './palette';
import { pipeLayout } from './layout';
import { PipeHighlight } from './PipeHighlight';
import { PipeNetwork } from './PipeNetwork';
import { SceneProbe } from './SceneProbe';

export interface SiteSceneProps {
  data: NetworkData;
}

/**
 * The 3D site, shared by the three modes. Renders on demand only (camera moves, hover and
 * selection, colour changes, flashing alarms), so an idle wall display costs nothing; `flat`
 * keeps the ISA-101 colours as given (no tone mapping).
 */
export function SiteScene({ data }: SiteSceneProps) {
  const layout = useMemo(() => pipeLayout(data), [data]);
  useEffect(() => startColourController(data), [data]);
  return (
    <Canvas
      frameloop="demand"
      flat
      dpr={[1, 2]}
      gl={{ antialias: true, powerPreference: 'high-performance' }}
      camera={{ fov: 35, near: 1, far: 50_000 }}
      onPointerMissed={() => selectionStore.setSelected(null)}
    >
      <color attach="background" args={[PALETTE.background]} />
      <hemisphereLight args={['#ffffff', '#9a9a9a', 1.9]} />
      <directionalLight position={[-0.5, 1, 0.7]} intensity={1.1} />
      <Ground site={data.meta.site} companies={data.meta.companies} />
      <PipeNetwork data={data} layout={layout} />
      <PipeHighlight data={data} layout={layout} />
      <EquipmentLayer data={data} />
      <EquipmentHighlight data={data} />
      <IncidentOverlay data={data} />
      <CameraRig bounds={data.meta.site.bounds} />
      <LabelProjector />
      <SceneProbe data={data} />
    </Canvas>
  );
}
