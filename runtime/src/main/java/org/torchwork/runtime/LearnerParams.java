package org.torchwork.runtime;

import java.util.List;
import org.torchwork.api.Param;
import org.torchwork.api.ParamSet;
import org.torchwork.api.TaskType;

/** The parameters every learner has, as in mlr3torch's {@code LearnerTorch}. */
final class LearnerParams {
  private LearnerParams() {}

  static final ParamSet COMMON =
      ParamSet.of(
          Param.integer("epochs").min(0).required().description("number of epochs to train").build(),
          Param.integer("batch_size").min(1).required().description("rows per training batch").build(),
          Param.choice("optimizer", "adam", "sgd", "adamw").defaultValue("adam").description("the optimizer").build(),
          Param.number("opt.lr").greaterThan(0).defaultValue(0.001).description("learning rate").build(),
          Param.number("opt.weight_decay").min(0).description("weight decay; unset: 0.01 for adamw, 0 otherwise (as PyTorch)").build(),
          Param.number("opt.momentum").min(0).lessThan(1).defaultValue(0).description("momentum (sgd)").build(),
          Param.bool("shuffle").defaultValue(true).description("shuffle the training rows every epoch").build(),
          Param.integer("seed").description("random seed; a random one when unset (recorded in the model)").build(),
          Param.string("engine").description("auto, or a backend id such as pytorch").build(),
          Param.string("device").description("auto, cpu, gpu or gpu:N").build(),
          Param.integer("devices").min(1).defaultValue(1)
              .description("data-parallel training: each batch split across this many GPUs (on the CPU, copies of the"
                  + " network run the parts one after another)").build(),
          Param.strings("measures_train").defaultValue(List.of()).description("measures scored on the training predictions each epoch").build(),
          Param.strings("measures_valid").defaultValue(List.of()).description("measures scored on the validation data").build(),
          Param.number("validate").min(0).lessThan(1).description("share of the task's rows held out for validation").build(),
          Param.integer("eval_freq").min(1).defaultValue(1).description("validate every this many epochs").build(),
          Param.integer("patience").min(0).defaultValue(0)
              .description("early stopping: validation rounds without improvement before stopping; 0 is off").build(),
          Param.number("min_delta").min(0).defaultValue(0)
              .description("early stopping: the least change of the monitored quantity that counts as improvement").build(),
          Param.string("monitor")
              .description("early stopping: what to watch (valid.<measure>, train.<measure>, train.loss or a published"
                  + " <callback>.<name>); unset: the first validation measure").build(),
          Param.choice("mode", "auto", "min", "max").defaultValue("auto")
              .description("early stopping: whether the monitored quantity improves downwards or upwards; auto follows the"
                  + " measure").build(),
          Param.integer("start_from_epoch").min(0).defaultValue(0)
              .description("early stopping: epochs up to this one are not checked").build(),
          Param.number("baseline")
              .description("early stopping: a value the monitored quantity must beat, or the run stops after patience checks")
              .build(),
          Param.bool("restore_best_weights").defaultValue(false)
              .description("early stopping: end with the weights of the best epoch").build(),
          Param.string("resume").path().description("a checkpoint file (or the directory the checkpoint callback wrote to) to continue from; auto: the checkpoint callback's latest if any, else a fresh start").build(),
          Param.string("init_from").path()
              .description("a saved model's folder to start from (fine-tuning): its weights, with new epochs, learning rate and callbacks").build(),
          Param.bool("standardize").defaultValue(false)
              .description("standardize each numeric feature with the training rows' mean and standard deviation, saved with the"
                  + " model").build(),
          Param.choice("impute", "median", "mean", "none").defaultValue("median")
              .description("missing numbers: replaced by the training rows' median or mean (missing categories get a level of"
                  + " their own); none refuses data with missing values").build(),
          Param.bool("impute_indicators").defaultValue(false)
              .description("add a 0/1 column <feature>.missing for each numeric feature with missing values in training").build(),
          Param.bool("augment_flip").defaultValue(false)
              .description("images: flip each training image left to right with probability 1/2 (seeded, resumable)").build(),
          Param.integer("augment_crop").min(0).defaultValue(0)
              .description("images: pad each training image with this many zeros and cut it back at a random place; 0 is off")
              .build(),
          Param.integer("max_levels").min(2).defaultValue(1000)
              .description("the most levels a categorical feature may have to be one-hot encoded; more is refused").build());

  /** The loss and how rows are weighed, for learners of a task type: the default loss is the type's. */
  static ParamSet losses(TaskType type) {
    return ParamSet.of(
        Param.string("loss").defaultValue(type == TaskType.CLASSIF ? "cross_entropy" : "mse")
            .description("the loss to train with, by id ('torchwork losses' lists them); its parameters are set as"
                + " loss.<param>").build(),
        Param.string("class_weight")
            .description("classification: weigh each row by its class (times the row's own weight): balanced (rows / (classes"
                + " * rows of the class), counted on the training rows) or class:weight pairs, e.g. setosa:2,virginica:0.5"
                + " (classes not named weigh 1)").build());
  }
}
