package dev.ferry.topology;

import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Kafka Streams' processing and production exception handlers, both delegating to {@link ErrorPolicies}; a dead-letter
 * record is handed back to Streams, which writes it with the same producer (to the destination cluster).
 * Streams creates this class itself; the policies arrive through the configuration under {@link #POLICIES}.
 */
public final class FerryExceptionHandler implements ProcessingExceptionHandler, ProductionExceptionHandler {

    public static final String POLICIES = "ferry.error-policies";

    private ErrorPolicies policies;

    @Override
    public void configure(Map<String, ?> configs) {
        Object value = configs.get(POLICIES);
        if (!(value instanceof ErrorPolicies p)) {
            throw new IllegalStateException(POLICIES + " is missing from the Kafka Streams configuration");
        }
        this.policies = p;
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        ErrorPolicies.Decision decision = policies.onProcessingError(context, exception);
        return decision instanceof ErrorPolicies.Decision.Resume resume
                ? ProcessingExceptionHandler.Response.resume(resume.deadLetters()) : ProcessingExceptionHandler.Response.fail();
    }

    @Override
    public ProductionExceptionHandler.Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        ErrorPolicies.Decision decision = policies.onProductionError(context, record, exception);
        return decision instanceof ErrorPolicies.Decision.Resume resume
                ? ProductionExceptionHandler.Response.resume(resume.deadLetters()) : ProductionExceptionHandler.Response.fail();
    }
}
