package io.llmgateway.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaParameter;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.llmgateway.app.routing.RouteExecutor;
import io.llmgateway.core.provider.ChatProvider;
import io.llmgateway.core.provider.EmbeddingProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The module rules of ARCHITECTURE.md, checked on the compiled production classes of every module:
 * dependencies point one way, no package cycles, nothing blocks on a reactive type, one JSON mapper (the
 * application's), typed request bodies.
 */
class ArchitectureTests {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // sibling modules arrive as jars or as target/classes, depending on how Maven was invoked
                .withImportOption(location -> !location.contains("test-support"))
                .importPackages("io.llmgateway");
    }

    @Test
    void theCoreDependsOnNoOtherModuleAndNoSpring() {
        noClasses()
                .that()
                .resideInAPackage("io.llmgateway.core..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.llmgateway.app..", "io.llmgateway.provider..", "org.springframework..")
                .check(classes);
    }

    @Test
    void theAuthModuleDependsOnlyOnTheCoreAndNoSpring() {
        noClasses()
                .that()
                .resideInAPackage("io.llmgateway.auth..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.llmgateway.app..", "io.llmgateway.provider..", "org.springframework..")
                .check(classes);
    }

    @Test
    void adaptersDependOnlyOnTheCoreNeverOnEachOtherOrTheApp() {
        noClasses()
                .that()
                .resideInAPackage("io.llmgateway.provider..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.llmgateway.app..", "io.llmgateway.auth..")
                .check(classes);
        // the OpenAI-compatible adapter is the base the others build on; apart from it, none knows another
        slices().matching("io.llmgateway.provider.(*)..")
                .should()
                .notDependOnEachOther()
                .ignoreDependency(
                        DescribedPredicate.alwaysTrue(),
                        JavaClass.Predicates.resideInAPackage("io.llmgateway.provider.openai.."))
                .check(classes);
    }

    @Test
    void retrievalsLibraryHasNoWebTypes() {
        // rag parses, chunks, embeds and indexes; the HTTP surface of files and vector stores is the app's
        noClasses()
                .that()
                .resideInAPackage("io.llmgateway.rag..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.springframework.web..", "org.springframework.http..", "reactor.netty.http..")
                .check(classes);
    }

    @Test
    void theRetrievalModuleHasNoWebTypesAndDoesNotKnowTheApp() {
        // retrieval keeps stores, the ingestion queue, the index and search; HTTP and the model pipeline are the app's
        noClasses()
                .that()
                .resideInAPackage("io.llmgateway.retrieval..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.springframework.web..",
                        "org.springframework.http..",
                        "reactor.netty.http..",
                        "io.llmgateway.app..")
                .check(classes);
    }

    @Test
    void theAppKnowsProviderTypesOnlyThroughTheSpi() {
        // provider types arrive as ProviderType beans of the adapters' auto-configurations; the app names none of
        // them and reaches into no adapter's internals (the openai transport's pool settings are its public API)
        noClasses()
                .that()
                .resideInAPackage("io.llmgateway.app..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.llmgateway.provider.mock..",
                        "io.llmgateway.provider.nim..",
                        "io.llmgateway.provider.octo..",
                        "io.llmgateway.provider.openai.internal..",
                        "io.llmgateway.provider.openai.sse..")
                .check(classes);
    }

    @Test
    void handlersReachProvidersOnlyThroughThePipeline() {
        noClasses()
                .that()
                .areAnnotatedWith(RestController.class)
                .or()
                .resideInAPackage("io.llmgateway.app.api..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.llmgateway.core.provider..", "io.llmgateway.provider..")
                .orShould()
                .dependOnClassesThat()
                .belongToAnyOf(RouteExecutor.class)
                .check(classes);
        // the one place that calls a model: the pipeline (adapters build on each other)
        noClasses()
                .that()
                .resideOutsideOfPackages("io.llmgateway.app.pipeline..", "io.llmgateway.provider..")
                .should()
                .callMethodWhere(DescribedPredicate.describe(
                        "a model call (complete, stream, embed)",
                        call -> (call.getTargetOwner().isAssignableTo(ChatProvider.class)
                                        && (call.getName().equals("complete")
                                                || call.getName().equals("stream")))
                                || (call.getTargetOwner().isAssignableTo(EmbeddingProvider.class)
                                        && call.getName().equals("embed"))))
                .check(classes);
    }

    @Test
    void noModelCallHandlerImportsTheLimitsOrUsage() {
        // the usage reports read the ledger; every other handler leaves admission and recording to the pipeline
        noClasses()
                .that()
                .areAnnotatedWith(RestController.class)
                .or()
                .resideInAPackage("io.llmgateway.app.api..")
                .and()
                .haveSimpleNameNotContaining("Usage")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.llmgateway.app.limits..", "io.llmgateway.app.usage..")
                .check(classes);
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.llmgateway.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void nothingBlocksOnAReactiveType() {
        noClasses()
                .should()
                .callMethodWhere(DescribedPredicate.describe(
                        "block*() or toIterable/toStream on Mono or Flux",
                        call -> (call.getTargetOwner().isAssignableTo(Mono.class)
                                        || call.getTargetOwner().isAssignableTo(Flux.class))
                                && (call.getName().startsWith("block")
                                        || call.getName().equals("toIterable")
                                        || call.getName().equals("toStream"))))
                .check(classes);
    }

    @Test
    void nothingSleeps() {
        noClasses().should().callMethod(Thread.class, "sleep", long.class).check(classes);
    }

    @Test
    void noClassKeepsAJsonMapperOfItsOwn() {
        // the application's mapper is a bean, handed to whatever needs JSON; GatewayJson only makes new ones
        noFields()
                .that()
                .areStatic()
                .should()
                .haveRawType(JavaClass.Predicates.assignableTo(ObjectMapper.class))
                .as("no static field holds a JsonMapper or ObjectMapper")
                .check(classes);
    }

    @Test
    void noHandlerTakesAnUntypedBody() {
        // a body is a record (a BodyReader reads the ones whose checks need the tree); the handler never digs in JSON
        methods()
                .should(new ArchCondition<JavaMethod>("take no @RequestBody of a JSON tree type") {
                    @Override
                    public void check(JavaMethod method, ConditionEvents events) {
                        for (JavaParameter parameter : method.getParameters()) {
                            if (parameter.isAnnotatedWith(RequestBody.class)
                                    && parameter.getRawType().isAssignableTo(JsonNode.class)) {
                                events.add(SimpleConditionEvent.violated(
                                        method,
                                        method.getFullName() + " takes its body as "
                                                + parameter.getRawType().getSimpleName()));
                            }
                        }
                    }
                })
                .check(classes);
    }
}
