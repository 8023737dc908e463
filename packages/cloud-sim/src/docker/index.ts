export {
  type ContainerStatus,
  DockerEngine,
  EngineError as DockerEngineError,
  REGISTRY as DOCKER_REGISTRY,
  type SimContainer as DockerSimContainer,
  type SimEvent as DockerSimEvent,
  type SimImage as DockerSimImage,
  type SimVolume as DockerSimVolume,
} from './model';
export { API_VERSION as DOCKER_API_VERSION } from './routes';
export { type DockerSim, type DockerSimOptions, startDockerSim } from './sim';
export { makeTlsMaterial, type TlsMaterial } from './tls';
