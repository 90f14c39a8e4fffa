package io.trailsentry.engine;

import com.espertech.esper.common.client.hook.exception.ExceptionHandler;
import com.espertech.esper.common.client.hook.exception.ExceptionHandlerContext;
import com.espertech.esper.common.client.hook.exception.ExceptionHandlerFactory;
import com.espertech.esper.common.client.hook.exception.ExceptionHandlerFactoryContext;
import org.jboss.logging.Logger;

import java.util.function.Consumer;

/**
 * Esper calls this when a statement throws while it evaluates an event. A rule that spent its budget
 * ({@link RuleBudgetExceededException}) is reported to its engine, which disables it once the event
 * is through; anything else is logged, as Esper would, and the engine goes on. Esper instantiates the
 * factory by class name and hands it nothing but the runtime's URI (the runtime keeps no transient
 * configuration), so each engine registers its callback under its URI for its lifetime: the one
 * piece of static state here, owned by the engines that put and remove their entries.
 */
public final class RuleFailureHandler implements ExceptionHandlerFactory {

    private static final java.util.Map<String, Consumer<Failure>> ENGINES = new java.util.concurrent.ConcurrentHashMap<>();

    static void register(String runtimeUri, Consumer<Failure> callback) {
        ENGINES.put(runtimeUri, callback);
    }

    static void unregister(String runtimeUri) {
        ENGINES.remove(runtimeUri);
    }
    private static final Logger LOG = Logger.getLogger(RuleFailureHandler.class);

    /** A statement that stopped: in which deployment (the rules file), why. */
    record Failure(String deploymentId, String statementName, RuleBudgetExceededException reason) {
    }

    @Override
    public ExceptionHandler getHandler(ExceptionHandlerFactoryContext context) {
        String runtimeUri = context.getRuntimeURI();
        return failure -> handle(runtimeUri, failure);
    }

    private static void handle(String runtimeUri, ExceptionHandlerContext failure) {
        RuleBudgetExceededException budget = budgetExceeded(failure.getThrowable());
        if (budget == null) {
            LOG.errorf(failure.getThrowable(), "rule statement '%s' in %s failed on an event; the engine goes on",
                    failure.getStatementName(), failure.getDeploymentId());
            return;
        }
        Consumer<Failure> callback = ENGINES.get(runtimeUri);
        if (callback != null) {
            callback.accept(new Failure(failure.getDeploymentId(), failure.getStatementName(), budget));
        }
    }

    private static RuleBudgetExceededException budgetExceeded(Throwable t) {
        for (Throwable cause = t; cause != null; cause = cause.getCause()) {
            if (cause instanceof RuleBudgetExceededException budget) {
                return budget;
            }
        }
        return null;
    }
}
