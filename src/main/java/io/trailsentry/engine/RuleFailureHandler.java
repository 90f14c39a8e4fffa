package io.trailsentry.engine;

import com.espertech.esper.common.client.hook.exception.ExceptionHandler;
import com.espertech.esper.common.client.hook.exception.ExceptionHandlerContext;
import com.espertech.esper.common.client.hook.exception.ExceptionHandlerFactory;
import com.espertech.esper.common.client.hook.exception.ExceptionHandlerFactoryContext;
import com.espertech.esper.runtime.client.EPRuntimeProvider;
import org.jboss.logging.Logger;

import java.util.function.Consumer;

/**
 * Esper calls this when a statement throws while it evaluates an event. A rule that spent its budget
 * ({@link RuleBudgetExceededException}) is reported to its engine, which disables it once the event
 * is through; anything else is logged, as Esper would, and the engine goes on. Esper instantiates the
 * factory by class name, so the engine's callback travels in the runtime's transient configuration
 * under {@link #CALLBACK}.
 */
public final class RuleFailureHandler implements ExceptionHandlerFactory {

    static final String CALLBACK = "trailsentry.ruleFailures";
    private static final Logger LOG = Logger.getLogger(RuleFailureHandler.class);

    /** A statement that stopped: in which deployment (the rules file), why. */
    record Failure(String deploymentId, String statementName, RuleBudgetExceededException reason) {
    }

    @Override
    public ExceptionHandler getHandler(ExceptionHandlerFactoryContext context) {
        String runtimeUri = context.getRuntimeURI();
        return failure -> handle(runtimeUri, failure);
    }

    @SuppressWarnings("unchecked")
    private static void handle(String runtimeUri, ExceptionHandlerContext failure) {
        RuleBudgetExceededException budget = budgetExceeded(failure.getThrowable());
        if (budget == null) {
            LOG.errorf(failure.getThrowable(), "rule statement '%s' in %s failed on an event; the engine goes on",
                    failure.getStatementName(), failure.getDeploymentId());
            return;
        }
        Object callback = EPRuntimeProvider.getRuntime(runtimeUri).getConfigurationTransient().get(CALLBACK);
        if (callback instanceof Consumer<?> consumer) {
            ((Consumer<Failure>) consumer).accept(new Failure(failure.getDeploymentId(), failure.getStatementName(), budget));
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
