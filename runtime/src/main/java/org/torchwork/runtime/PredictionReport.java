package org.torchwork.runtime;

import java.util.List;
import java.util.Map;

/**
 * What predicting a CSV file did ({@link TrainedModel#predictCsv}): how many rows, the scores
 * where the file had the target, the truth values the model never saw, and the first rows.
 *
 * @param rows the rows predicted (one output row each)
 * @param scored the rows with a known truth, which the scores cover
 * @param hasTruth whether the file had the target column
 * @param unseen truth values the model never saw in training, with how many rows have each; those
 *     rows are predicted but not scored
 * @param missingTruth rows whose truth cell was empty or {@code NA}; predicted, not scored
 * @param scores each measure's score on the scored rows, in the order asked; empty when nothing
 *     could be scored
 * @param columns the output's columns: the id column (when the model has one and the file holds
 *     it) or {@code row_id}, {@code truth} (when the file had the target), {@code response}, and
 *     {@code prob.<class>} per class for classification
 * @param head the first rows of the output, as written
 * @param seconds how long reading, predicting and writing took
 * @param unseenLevels for each categorical feature, the levels the model never saw in training
 *     (the first 20), with how many rows held each; those rows are predicted with the level taken
 *     as missing
 */
public record PredictionReport(
    long rows,
    long scored,
    boolean hasTruth,
    Map<String, Long> unseen,
    long missingTruth,
    Map<String, Double> scores,
    List<String> columns,
    List<List<String>> head,
    double seconds,
    Map<String, Map<String, Long>> unseenLevels) {}
