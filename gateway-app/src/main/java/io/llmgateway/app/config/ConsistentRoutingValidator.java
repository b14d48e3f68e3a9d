package io.llmgateway.app.config;

import io.llmgateway.app.config.RoutingProperties.Model;
import io.llmgateway.app.config.RoutingProperties.ModelType;
import io.llmgateway.core.profile.RequestProfiler;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks the references between the entries of {@link RoutingProperties}, reporting every broken one at once. What
 * needs another bean to decide (a deployment's provider type, a tokenizer file, the ids of the models the gateway
 * serves itself) is checked where that bean is.
 */
public class ConsistentRoutingValidator implements ConstraintValidator<ConsistentRouting, RoutingProperties> {

    @Override
    public boolean isValid(RoutingProperties routing, ConstraintValidatorContext context) {
        List<String> problems = problems(routing);
        if (problems.isEmpty()) {
            return true;
        }
        context.disableDefaultConstraintViolation();
        problems.forEach(problem ->
                context.buildConstraintViolationWithTemplate(literal(problem)).addConstraintViolation());
        return false;
    }

    /** What is inconsistent, one sentence per problem, each naming its property. */
    static List<String> problems(RoutingProperties routing) {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> indexById = new HashMap<>();
        List<Model> models = routing.models();
        for (int i = 0; i < models.size(); i++) {
            Integer first = indexById.putIfAbsent(models.get(i).id(), i);
            if (first != null) {
                problems.add(entry(i, models.get(i)) + ": the id is already used by gateway.models[" + first + "]");
            }
        }
        for (int i = 0; i < models.size(); i++) {
            Model model = models.get(i);
            deployments(i, model, routing, problems);
            if (model.type() == ModelType.CHAT && !routing.profiles().containsKey(model.profile())) {
                problems.add(entry(i, model) + ".profile: there is no profile '" + model.profile()
                        + "' under gateway.profiles; known: "
                        + routing.profiles().keySet());
            }
            for (String name : model.defaults().keySet()) {
                if (!RequestProfiler.isKnownParameter(name)) {
                    problems.add(entry(i, model) + ".defaults: '" + name + "' is not a chat-completion parameter"
                            + " (write names with an underscore in brackets: \"[max_tokens]\")");
                }
            }
            for (String fallback : model.fallbacks()) {
                Integer target = indexById.get(fallback);
                if (target == null || fallback.equals(model.id())) {
                    problems.add(entry(i, model) + ".fallbacks: '" + fallback
                            + "' is not another model under gateway.models");
                } else if (models.get(target).type() != model.type()) {
                    problems.add(entry(i, model) + ".fallbacks: '" + fallback + "' is a model of another type ("
                            + models.get(target).type().name().toLowerCase(Locale.ROOT) + ")");
                }
            }
        }
        routing.profiles()
                .forEach((name, profile) -> profile.parameters().keySet().stream()
                        .filter(parameter -> !RequestProfiler.isKnownParameter(parameter))
                        .forEach(parameter -> problems.add("gateway.profiles." + name + ".parameters." + parameter
                                + ": not a chat-completion parameter")));
        return problems;
    }

    private static void deployments(int index, Model model, RoutingProperties routing, List<String> problems) {
        if (model.targets().isEmpty()) {
            problems.add(entry(index, model) + ": names no deployment; set deployment, or deployments with weights");
        }
        for (RoutingProperties.Target target : model.targets()) {
            if (!routing.deployments().containsKey(target.name())) {
                problems.add(entry(index, model) + ": deployment '" + target.name()
                        + "' is not configured under gateway.deployments; configured: "
                        + routing.deployments().keySet());
            }
        }
    }

    private static String entry(int index, Model model) {
        return "gateway.models[" + index + "] ('" + model.id() + "')";
    }

    /** The message as it is: the validator would read braces and dollar signs in it as expressions. */
    private static String literal(String message) {
        return message.replace("\\", "\\\\")
                .replace("{", "\\{")
                .replace("}", "\\}")
                .replace("$", "\\$");
    }
}
