import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpointUrl } from '../models/deploy-host.ts';
import { deployModelToTarget, environmentKubernetesEndpoints } from '../models/kubernetes-deploy.ts';
import { errorResponses } from '../schemas/common.ts';
import { DeploymentBodySchema, DeploymentSchema } from '../schemas/deployments.ts';
import { ModelNameParamsSchema } from '../schemas/models.ts';
import { answerRefusals } from './model-registry-reply.ts';

/**
 * `POST /api/models/:name/deployments`: registers an ONNX artifact and points the model's endpoint at it,
 * in one call. What `deploy.endpoint` does from a `loom worker` on another machine (`LOOM_API_URL`).
 */
export const deploymentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/models/:name/deployments',
    {
      schema: {
        tags: ['models'],
        summary: 'Deploys an ONNX artifact: registers it and routes the endpoint’s traffic to it',
        description:
          'Registers the ONNX file (the same file finds its existing version), then with `trafficPercent` 100 moves the alias to it and the endpoint follows the alias; with less, while the alias points at another version, the alias stays and the endpoint splits its requests between the new version and that one (a canary). Deploying what already serves changes nothing. 201 when a version was made, 200 when the model held the file already.',
        params: ModelNameParamsSchema,
        body: DeploymentBodySchema,
        response: { 200: DeploymentSchema, 201: DeploymentSchema, ...errorResponses(400, 401, 409, 413) },
      },
    },
    async (request, reply) =>
      answerRefusals(reply, async () => {
        const { name } = request.params;
        const { provenance, trafficPercent, target, ...body } = request.body;
        const deployed = await deployModelToTarget(
          app.store,
          app.artifacts,
          {
            ...body,
            model: name,
            trafficPercent: trafficPercent ?? 100,
            ...(provenance === undefined ? {} : { provenance }),
          },
          target,
          app.config.kubernetesEndpoints ?? environmentKubernetesEndpoints,
        );
        // Answered once the embedded model server serves the deployed version (see the alias routes).
        await app.modelServing?.sync();
        // Where this server was reached, unless the model server is set to live elsewhere.
        const base = app.config.modelServerUrl ?? `${request.protocol}://${request.host}`;
        // On Kubernetes: the Service's in-cluster address.
        const url = deployed.url ?? endpointUrl(base, name);
        return reply.code(deployed.created ? 201 : 200).send({ ...deployed, url });
      }),
  );
};
